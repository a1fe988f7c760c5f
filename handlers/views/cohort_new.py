"""Submission of the /cohort new modal."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.context import AppContext
from bot.domain.cohort_spec import CohortSpec
from bot.services import cohorts
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import ViewState
from handlers.replies import FieldErrors, Nothing, Reply

FIELDS = {
    "name": ids.COHORT_FIELD_NAME,
    "channel": ids.COHORT_FIELD_CHANNEL,
    "timezone": ids.COHORT_FIELD_TIMEZONE,
    "start_date": ids.COHORT_FIELD_START,
    "days": ids.COHORT_FIELD_DAYS,
    "training_link": ids.COHORT_FIELD_LINK,
    "team_lead": ids.COHORT_FIELD_TL,
    "production_manager": ids.COHORT_FIELD_PM,
}


def cohort_new_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    raw = {
        "name": state.text(ids.COHORT_FIELD_NAME),
        "channel": _conversation(state, ids.COHORT_FIELD_CHANNEL),
        "timezone": state.option(ids.COHORT_FIELD_TIMEZONE),
        "start_date": state.date(ids.COHORT_FIELD_START) or None,
        "days": state.option(ids.COHORT_FIELD_DAYS) or None,
        "training_link": state.text(ids.COHORT_FIELD_LINK),
        "team_lead": state.user(ids.COHORT_FIELD_TL),
        "production_manager": state.user(ids.COHORT_FIELD_PM),
    }
    try:
        spec = CohortSpec.model_validate(raw)
    except ValidationError as exc:
        return FieldErrors(_field_errors(exc))
    cohorts.create_from_form(ctx, caller, spec)  # the confirmation DM is the use case's
    return Nothing()


def _conversation(state: ViewState, block_id: str) -> str:
    value = state.element(block_id).get("selected_conversation")
    return value if isinstance(value, str) else ""


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "name"
        block_id = FIELDS.get(field, ids.COHORT_FIELD_NAME)
        errors.setdefault(block_id, err["msg"].removeprefix("Value error, ")[:150])
    return errors
