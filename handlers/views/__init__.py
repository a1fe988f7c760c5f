"""Modal submissions (view_submission)."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.slack import ids
from handlers.listener import view
from handlers.views import (
    catch_up,
    coach_form,
    cohort_new,
    failcert_form,
    forms,
    help_claim,
    mia_reason,
    progress_form,
    red_flag_resolve,
)


def register(app: App, ctx: AppContext) -> None:
    app.view(ids.VIEW_FAILCERT)(
        view(
            ctx,
            failcert_form.failcert_submitted,
            fields=failcert_form.FIELDS,
            error_field=ids.FAILCERT_AGENT_BLOCK,
        )
    )
    app.view(ids.VIEW_COHORT_NEW)(
        view(
            ctx, cohort_new.cohort_new_submitted, fields=cohort_new.FIELDS, error_field=ids.COHORT_FIELD_NAME
        )
    )
    app.view(ids.VIEW_COACH)(
        view(ctx, coach_form.coach_submitted, fields=coach_form.FIELDS, error_field=ids.COACH_INCIDENT_BLOCK)
    )
    app.view(ids.VIEW_PROGRESS)(
        view(ctx, progress_form.progress_submitted, error_field=ids.PROGRESS_STEP_BLOCK)
    )
    submitted = view(ctx, forms.form_submitted, fields=forms.FIELDS, error_field=ids.FORM_AGENT_BLOCK)
    for callback_id in ids.VIEW_FORMS.values():
        app.view(callback_id)(submitted)
    app.view(ids.VIEW_MIA_REASON)(
        view(ctx, mia_reason.mia_reason_submitted, fields=mia_reason.FIELDS, error_field=ids.MIA_REASON_BLOCK)
    )
    app.view(ids.VIEW_REDFLAG_RESOLVE)(
        view(
            ctx,
            red_flag_resolve.redflag_resolve_submitted,
            fields=red_flag_resolve.FIELDS,
            error_field=ids.REDFLAG_RESOLUTION_BLOCK,
        )
    )
    app.view(ids.VIEW_HELP_CLAIM)(
        view(ctx, help_claim.claim_submitted, fields=help_claim.FIELDS, error_field=ids.HELP_ROOM_BLOCK)
    )
    app.view(ids.VIEW_CATCHUP)(  # issue 13
        view(ctx, catch_up.catch_up_submitted, fields=catch_up.FIELDS, error_field=ids.CATCHUP_DATE_BLOCKS[0])
    )
