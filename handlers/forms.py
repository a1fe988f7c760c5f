"""The five tracking forms: `/forms`, their buttons and their modals."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import shorten
from bot.core.unit_of_work import Caller
from bot.forms import blocks
from bot.forms import service as forms
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from bot.slack.view_state import STALE_BUTTON, STALE_FORM, ViewState
from handlers.listener import action, command, view
from handlers.replies import FieldErrors, Nothing, OpenModal, Reply, Say


# -- commands: forms ----------------------------------------------------------------------------
def forms_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if not args:
        forms.forms_picker(ctx, caller, None)
        return Say("Tracking forms", blocks.picker())
    if args[0].startswith("<@"):  # /forms @agent: the picker for that agent
        agent_id, _ = user_mention(args[0], blocks.FORMS_USAGE)
        name = forms.forms_picker(ctx, caller, agent_id)
        return Say("Tracking forms", blocks.picker(agent_id, name))
    kind = forms.kind_of(args[0])
    if kind is None:
        raise InvalidInput(f"`{shorten(args[0], 20)}` is not a form. {blocks.FORMS_USAGE}")
    agent = user_mention(args[1], blocks.FORMS_USAGE)[0] if len(args) > 1 else None
    return OpenModal(blocks.form_modal(kind, forms.form_context(ctx, caller, kind, agent)))


# -- actions: forms -----------------------------------------------------------------------------
KIND_OF_ACTION = {action_id: kind for kind, action_id in ids.ACTION_FORM_OPEN.items()}
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


def form_button_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    kind = KIND_OF_ACTION.get(str(action.get("action_id")))
    value = action.get("value")
    agent = value.strip() if isinstance(value, str) else ""  # the agent, or "" for none yet
    if kind is None or (agent and not SLACK_USER.fullmatch(agent)):
        raise InvalidInput(STALE_BUTTON)
    return OpenModal(blocks.form_modal(kind, forms.form_context(ctx, caller, kind, agent or None)))


# -- views: forms -------------------------------------------------------------------------------
FORMS_FIELDS = {
    "agent": ids.FORM_AGENT_BLOCK,
    "n_number": ids.FORM_NNUMBER_BLOCK,
    "carrier": ids.FORM_CARRIER_BLOCK,
    "date": ids.FORM_DATE_BLOCK,
    "proof": ids.FORM_PROOF_BLOCK,
    "confirm": ids.FORM_CONFIRM_BLOCK,
    "trainer": ids.FORM_TRAINER_BLOCK,
    "evaluator": ids.FORM_EVALUATOR_BLOCK,
    "result": ids.FORM_RESULT_BLOCK,
    "notes": ids.FORM_NOTES_BLOCK,
    "score": ids.FORM_SCORE_BLOCK,
    "issue": ids.FORM_ISSUE_BLOCK,
    "ticket_number": ids.FORM_TICKET_BLOCK,
    "status": ids.FORM_STATUS_BLOCK,
    **{f"call{n}_score": block for n, block in enumerate(ids.FORM_CALL_SCORE_BLOCKS, start=1)},
    **{f"call{n}_evaluator": block for n, block in enumerate(ids.FORM_CALL_EVALUATOR_BLOCKS, start=1)},
}
KIND_OF_VIEW = {callback: kind for kind, callback in ids.VIEW_FORMS.items()}


def read_fields(state: ViewState) -> dict[str, Any]:
    """The form's values by field name."""
    carrier = state.option(ids.FORM_CARRIER_BLOCK)
    return {
        "agent": state.user(ids.FORM_AGENT_BLOCK),
        "n_number": state.text(ids.FORM_NNUMBER_BLOCK),
        "carrier": carrier,
        "date": state.date(ids.FORM_DATE_BLOCK),
        # Slack puts each uploaded file's details in the submitted state: no files.info call (and
        # no rate-limit wait) before the ack.
        "proof": [
            {
                "id": f["id"],
                "name": f.get("name"),
                "mimetype": f.get("mimetype"),
                "permalink": f.get("permalink"),
            }
            for f in state.files(ids.FORM_PROOF_BLOCK)
        ],
        # The confirmation counts only for the carrier picked (its checkbox's value is the carrier key).
        "confirmed": bool(carrier) and carrier in state.options(ids.FORM_CONFIRM_BLOCK),
        "trainer": state.text(ids.FORM_TRAINER_BLOCK),
        "evaluator": state.text(ids.FORM_EVALUATOR_BLOCK),
        "result": state.option(ids.FORM_RESULT_BLOCK),
        "notes": state.text(ids.FORM_NOTES_BLOCK),
        "score": state.text(ids.FORM_SCORE_BLOCK),
        "issue": state.text(ids.FORM_ISSUE_BLOCK),
        "ticket_number": state.text(ids.FORM_TICKET_BLOCK),
        "status": state.option(ids.FORM_STATUS_BLOCK),
        "calls": [
            {"score": state.text(score), "evaluator": state.text(evaluator)}
            for score, evaluator in zip(
                ids.FORM_CALL_SCORE_BLOCKS, ids.FORM_CALL_EVALUATOR_BLOCKS, strict=True
            )
        ],
    }


def form_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    kind = KIND_OF_VIEW.get(str(view.get("callback_id")))
    if kind is None:
        raise InvalidInput(STALE_FORM)
    try:
        forms.submit_form(ctx, caller, kind, read_fields(ViewState(view)))
    except forms.FormProblems as wrong:
        return FieldErrors({FORMS_FIELDS.get(k, ids.FORM_AGENT_BLOCK): v for k, v in wrong.problems.items()})
    # The confirmation is a message of the use case's (a digest line for staff).
    return Nothing()


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.FORMS)(command(ctx, forms_command))
    opened = action(ctx, form_button_clicked)
    for action_id in ids.ACTION_FORM_OPEN.values():
        app.action(action_id)(opened)
    submitted = view(ctx, form_submitted, fields=FORMS_FIELDS, error_field=ids.FORM_AGENT_BLOCK)
    for callback_id in ids.VIEW_FORMS.values():
        app.view(callback_id)(submitted)
