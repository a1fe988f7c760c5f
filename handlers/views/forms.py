"""Submission of the five tracking forms. Problems show on their fields in the modal; once saved
the submitter gets a DM with what changed on the ESP tracker, the failed-exam DMs go out for a
Failed Carrier Cert Exams form, and the PM hears if the agent just became ESP-complete."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import forms as blocks
from bot.context import AppContext
from bot.core.errors import DomainError
from bot.services import certs, esp, forms
from bot.slack import ids
from handlers.errors import listener

FIELD_BLOCKS = {
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
}


def read_fields(view: dict[str, Any]) -> dict[str, Any]:
    """The form's values by field name, from view.state.values."""
    values = view.get("state", {}).get("values", {})

    def element(block_id: str) -> dict[str, Any]:
        return (values.get(block_id) or {}).get(ids.FIELD_INPUT) or {}

    def selected(block_id: str) -> str | None:
        return (element(block_id).get("selected_option") or {}).get("value")

    return {
        "agent": element(ids.FORM_AGENT_BLOCK).get("selected_user"),
        "n_number": element(ids.FORM_NNUMBER_BLOCK).get("value"),
        "carrier": selected(ids.FORM_CARRIER_BLOCK),
        "date": element(ids.FORM_DATE_BLOCK).get("selected_date"),
        # Slack puts each uploaded file's details in the submitted state: no files.info call (and
        # no rate-limit wait) before the ack.
        "proof": [
            {
                "id": f["id"],
                "name": f.get("name"),
                "mimetype": f.get("mimetype"),
                "permalink": f.get("permalink"),
            }
            for f in element(ids.FORM_PROOF_BLOCK).get("files") or []
            if f.get("id")
        ],
        "confirmed": [o.get("value") for o in element(ids.FORM_CONFIRM_BLOCK).get("selected_options") or []],
        "trainer": element(ids.FORM_TRAINER_BLOCK).get("value"),
        "evaluator": element(ids.FORM_EVALUATOR_BLOCK).get("value"),
        "result": selected(ids.FORM_RESULT_BLOCK),
        "notes": element(ids.FORM_NOTES_BLOCK).get("value"),
        "score": element(ids.FORM_SCORE_BLOCK).get("value"),
        "issue": element(ids.FORM_ISSUE_BLOCK).get("value"),
        "ticket_number": element(ids.FORM_TICKET_BLOCK).get("value"),
        "status": selected(ids.FORM_STATUS_BLOCK),
    }


def register(app: App, ctx: AppContext) -> None:
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        caller = body["user"]["id"]
        kind = next(k for k, callback in ids.VIEW_FORMS.items() if callback == view.get("callback_id"))
        fields = read_fields(view)
        # The confirmation counts only for the carrier picked (its checkbox's value is the carrier key).
        fields["confirmed"] = bool(fields["carrier"]) and fields["carrier"] in fields["confirmed"]
        try:
            with ctx.db.session() as session:
                result = forms.submit(
                    session,
                    ctx.playbook,
                    kind=kind,
                    actor_slack_id=caller,
                    fields=fields,
                    now=ctx.clock.now(),
                )
                tracker_line = " · ".join(
                    f"{s.label} {s.status_label}" for s in esp.statuses(session, result.person_id).values()
                )
        except forms.FormProblems as exc:
            ack(
                response_action="errors",
                errors={FIELD_BLOCKS.get(k, ids.FORM_AGENT_BLOCK): v for k, v in exc.problems.items()},
            )
            return
        except DomainError as exc:
            ack(response_action="errors", errors={ids.FORM_AGENT_BLOCK: exc.message})
            return
        ack()
        now = ctx.clock.now()
        if result.failure is not None:
            certs.notify_failure(ctx.db, client, result.failure, now)
        title = forms.KINDS[kind]
        client.chat_postMessage(
            channel=caller,
            text=f"{title} saved for {result.agent_name}: {result.summary}.",
            blocks=blocks.saved(title, result.agent_name, result.summary, result.esp_changes, tracker_line),
        )
        esp.notify_if_complete(ctx, result.person_id)

    for callback_id in ids.VIEW_FORMS.values():
        app.view(callback_id)(handle)
