"""Block Kit for the five tracking forms (the picker and the modals) and the ESP tracker."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.core.text import INCIDENT, SECTION, shorten
from bot.esp_tracker.form_kinds import FORM_NAMES
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, header, input_block, plain, section, sections

if TYPE_CHECKING:
    from bot.esp_tracker.service import ClassTracker, Tracker

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
ESP_USAGE = (
    "`/esp @agent` shows the agent's ESP tracker; `/esp @agent aetna=complete equipment=complete` "
    "updates it. In the class channel, `/esp` (or `/esp class`) shows the whole class."
)
PROOF_FILETYPES = ["png", "jpg", "jpeg", "pdf"]


@dataclass
class FormContext:
    """What a form modal needs besides its kind; everything optional is filled when known."""

    carriers: list[tuple[str, str]]
    proof: dict[str, str] = field(default_factory=dict)  # carrier key -> confirmation text
    ticket_statuses: list[str] = field(default_factory=list)
    agent: str | None = None  # Slack user ID preselected
    n_number: str | None = None
    today: date | None = None
    carrier: str | None = None
    calls: list[str] = field(default_factory=list)  # Call Certification: each call's type, in order
    first_call_live: bool = True


def picker(agent: str | None = None, agent_name: str | None = None) -> list[Block]:
    """The five buttons; each opens its form (App Home puts the same buttons)."""
    who = f" for {agent_name}" if agent_name else ""
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
        section(f":white_check_mark: *{form_title}* saved for {agent_name}: {summary}."),
        context(f"ESP tracker: {changes}. Now: {tracker_line}"),
    ]


@dataclass(frozen=True)
class TrackerRow:
    label: str
    emoji: str
    status: str
    changed: str | None  # "by Tess Lead, Tue Dec 1, 3:10 PM CST"


def tracker(view: Tracker) -> list[Block]:
    blocks: list[Block] = [header(f"ESP tracker: {view.agent_name}")]
    if view.cohort_name:
        blocks.append(context(view.cohort_name))
    lines = []
    for row in view.rows:
        line = f"{row.emoji} *{row.label}*: {row.status}"
        if row.changed:
            line += f" _({row.changed})_"
        lines.append(line)
    blocks.append(section("\n".join(lines)))
    if view.complete:
        blocks.append(section(":tada: ESP-complete: ready for production."))
    if view.open_flags:
        # A red flag's text is stored up to its cap; several must still fit one section.
        flags = "\n".join(f"• {shorten(f, INCIDENT)}" for f in view.open_flags)
        blocks.append(section(shorten(":triangular_flag_on_post: Open red flags:\n" + flags, SECTION)))
    return blocks


def class_tracker(view: ClassTracker) -> list[Block]:
    """One line per agent with an emoji per item, and a legend."""
    blocks: list[Block] = [header(f"ESP tracker: {view.cohort_name}")]
    if not view.rows:
        blocks.append(section("No agents in this class yet."))
        return blocks
    blocks.append(context("Items: " + " · ".join(view.labels)))
    blocks.extend(sections([f"{' '.join(emojis)}  {name}" for name, emojis in view.rows]))
    blocks.append(
        context(
            ":white_circle: not started · :large_blue_circle: in progress · "
            ":white_check_mark: complete · :no_entry: blocked. `/esp @agent` for details."
        )
    )
    return blocks
