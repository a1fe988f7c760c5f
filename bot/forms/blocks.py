"""Block Kit for the five tracking forms: the picker, the modals and what a submission says.
Pure functions: view models in, blocks out."""

from __future__ import annotations

import json
from typing import Any

from bot.core.text import escape_line
from bot.esp_tracker.form_kinds import FORM_NAMES
from bot.forms.types import FormContext
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, input_block, plain, section

TITLES = {
    "cert": "Carrier Cert Completion",
    "tbt": "TBT Completion",
    "callcert": "Call Certification",
    "failedcert": "Failed Cert Exams",
    "ticket": "Carrier Tickets",
}
BUTTONS = FORM_NAMES
FORMS_USAGE = (
    "Type `/forms` for the list, or open one directly: `/forms cert|tbt|callcert|failedcert|ticket [@agent]`."
)
PROOF_FILETYPES = ["png", "jpg", "jpeg", "pdf"]


def picker(agent: str | None = None, agent_name: str | None = None) -> list[Block]:
    """The five buttons; each opens its form (App Home puts the same buttons)."""
    who = f" for {escape_line(agent_name)}" if agent_name else ""
    return [
        section(f"*Tracking forms{who}.* Pick one; each updates the ESP tracker."),
        actions(
            *[button(BUTTONS[kind], ids.ACTION_FORM_OPEN[kind], agent or "") for kind in ids.FORM_KINDS],
            block_id="form_picker",
        ),
    ]


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": plain(label), "value": value} for value, label in pairs]


def _text_input(
    *, multiline: bool = False, max_length: int = 500, initial: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.FIELD_INPUT,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = initial
    return element


def _select(pairs: list[tuple[str, str]], initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.FIELD_INPUT,
        "options": _options(pairs),
    }
    chosen = next((p for p in pairs if p[0] == initial), None)
    if chosen:
        element["initial_option"] = _options([chosen])[0]
    return element


def form_modal(kind: str, form: FormContext) -> dict[str, Any]:
    agent_el: dict[str, Any] = {"type": "users_select", "action_id": ids.FIELD_INPUT}
    if form.agent:
        agent_el["initial_user"] = form.agent
    date_el: dict[str, Any] = {"type": "datepicker", "action_id": ids.FIELD_INPUT}
    if form.today:
        date_el["initial_date"] = form.today.isoformat()
    blocks: list[Block] = [
        input_block(ids.FORM_AGENT_BLOCK, "Agent", agent_el),
        input_block(
            ids.FORM_NNUMBER_BLOCK,
            "Agent's N-Number",
            _text_input(max_length=16, initial=form.n_number),
            hint="The N-Number (the letter N and 7 digits), never the NPN.",
        ),
    ]
    if kind in ("cert", "failedcert", "ticket"):
        blocks.append(input_block(ids.FORM_CARRIER_BLOCK, "Carrier", _select(form.carriers, form.carrier)))
    if kind != "ticket":
        blocks.append(input_block(ids.FORM_DATE_BLOCK, "Date", date_el))
    if kind == "cert":
        names = ", ".join(name for key, name in form.carriers if key in form.proof) or "some carriers"
        blocks.append(
            input_block(
                ids.FORM_PROOF_BLOCK,
                "Proof screenshot",
                {
                    "type": "file_input",
                    "action_id": ids.FIELD_INPUT,
                    "filetypes": PROOF_FILETYPES,
                    "max_files": 1,
                },
                optional=True,
                hint=f"Required for {names}.",
            )
        )
        options = [{"text": plain(text[:75]), "value": key} for key, text in form.proof.items()]
        if options:
            blocks.append(
                input_block(
                    ids.FORM_CONFIRM_BLOCK,
                    "Confirmation",
                    {"type": "checkboxes", "action_id": ids.FIELD_INPUT, "options": options[:10]},
                    optional=True,
                    hint=f"Required for {names}.",
                )
            )
    elif kind == "tbt":
        blocks.append(input_block(ids.FORM_TRAINER_BLOCK, "Trainer", _text_input(max_length=100)))
        blocks.append(input_block(ids.FORM_NOTES_BLOCK, "Notes", _text_input(multiline=True), optional=True))
    elif kind == "callcert":
        blocks.extend(_call_blocks(form))
        blocks.append(input_block(ids.FORM_NOTES_BLOCK, "Notes", _text_input(multiline=True), optional=True))
    elif kind == "failedcert":
        blocks.append(
            input_block(
                ids.FORM_SCORE_BLOCK,
                "Score",
                {"type": "number_input", "action_id": ids.FIELD_INPUT, "is_decimal_allowed": False},
                optional=True,
            )
        )
        blocks.append(input_block(ids.FORM_NOTES_BLOCK, "Note", _text_input(multiline=True), optional=True))
    elif kind == "ticket":
        blocks.append(input_block(ids.FORM_ISSUE_BLOCK, "Issue", _text_input(multiline=True)))
        blocks.append(input_block(ids.FORM_TICKET_BLOCK, "Ticket number", _text_input(max_length=64)))
        statuses = [(s, s.replace("_", " ").capitalize()) for s in form.ticket_statuses]
        blocks.append(
            input_block(
                ids.FORM_STATUS_BLOCK, "Status", _select(statuses, statuses[0][0] if statuses else None)
            )
        )
    return {
        "type": "modal",
        "callback_id": ids.VIEW_FORMS[kind],
        "title": plain(TITLES[kind][:24]),
        "submit": plain("Submit"),
        "close": plain("Cancel"),
        "blocks": blocks,
        "private_metadata": json.dumps({"kind": kind}),
    }


def _call_blocks(form: FormContext) -> list[Block]:
    """A score and an evaluator per call; a call coached live has no score to give (it counts as 100)."""
    blocks: list[Block] = []
    for number, kind in enumerate(form.calls[: ids.CALL_CERT_MAX_CALLS], start=1):
        if number == 1 and form.first_call_live:
            blocks.append(context(f"Call 1 ({kind}) is coached live and counts as 100."))
        else:
            blocks.append(
                input_block(
                    ids.FORM_CALL_SCORE_BLOCKS[number - 1],
                    f"Call {number} ({kind}) score",
                    _text_input(max_length=3),
                    hint="The QA scorecard's percentage, a whole number from 0 to 100.",
                )
            )
        blocks.append(
            input_block(
                ids.FORM_CALL_EVALUATOR_BLOCKS[number - 1],
                f"Call {number} evaluator",
                _text_input(max_length=100),
            )
        )
    return blocks


def saved(
    form_title: str, agent_name: str, summary: str, esp_changes: list[str], tracker_line: str
) -> list[Block]:
    changes = "; ".join(esp_changes) if esp_changes else "no change"
    return [
        section(f":white_check_mark: *{form_title}* saved for {escape_line(agent_name)}: {summary}."),
        context(f"ESP tracker: {changes}. Now: {tracker_line}"),
    ]
