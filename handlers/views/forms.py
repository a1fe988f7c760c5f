"""Submission of the five tracking forms. Problems show on their fields in the modal; once saved
the submitter gets a DM with what changed on the ESP tracker (the failed-exam and ESP-complete
DMs are the service's)."""

from __future__ import annotations

from typing import Any

from bot.blocks import forms as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import forms
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import STALE_FORM, ViewState
from handlers.replies import FieldErrors, Reply, Say

FIELDS = {
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
        saved = forms.submit_form(ctx, caller, kind, read_fields(ViewState(view)))
    except forms.FormProblems as wrong:
        return FieldErrors({FIELDS.get(k, ids.FORM_AGENT_BLOCK): v for k, v in wrong.problems.items()})
    title = forms.KINDS[kind]
    return Say(
        f"{title} saved for {saved.agent_name}: {saved.summary}.",
        blocks.saved(title, saved.agent_name, saved.summary, saved.esp_changes, saved.tracker_line),
    )
