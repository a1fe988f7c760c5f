"""Block Kit for coaching, failed cert exams and progress. Pure functions: data in, blocks out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.text import EXPECTATION, INCIDENT, NOTE, SECTION, shorten
from bot.slack import ids
from bot.slack.blocks import Block, button, context, header, input_block, plain, section, sections

if TYPE_CHECKING:
    from bot.certs.service import FailureResult
    from bot.coaching.service import CoachingSaved, History
    from bot.progress.service import ProgressSaved

# Slack shows at most 50 blocks in a message; a long history shows its newest coachings.
HISTORY_ROWS = 40

COACH_USAGE = (
    "*/coach* — document a coaching:\n"
    "• `/coach @agent` — opens the form with the agent's records and the proposed step\n"
    "• `/coach @agent attendance verbal Missed the hand-raise before lunch` — without the form\n"
    "Policies: attendance, timeframe, failedcert, conduct. Levels: verbal, written, final, term."
)
FAILCERT_USAGE = (
    "Type `/failcert @agent ahip 62 note` (the agent, the carrier, the score if you have it, a note), "
    "or just `/failcert` for the form."
)
PROGRESS_USAGE = (
    "*/progress* — report what you finished: `/progress ahip 3` (AHIP module 3), `/progress ahip final`, "
    "`/progress aetna done`, or `/progress` for the form.\n"
    "Team leads: `/progress @agent ahip 3` sets it for an agent; `/progress @agent excuse REASON` records "
    "that a delay was outside the agent's control; `/progress` (or `/progress class`) in the class channel "
    "shows the class.\n"
    "The AHIP clock: `/progress @agent pause REASON` stops an agent's clock (an N-Number that came late, "
    "say); `/progress @agent resume` starts it again."
)


@dataclass
class CoachForm:
    """What the /coach form shows and starts with."""

    agent_slack_id: str
    agent_name: str
    n_number: str | None
    cohort_name: str | None
    policies: list[tuple[str, str]]  # key, title
    levels: list[tuple[str, str]]  # key, label
    proposals: list[str]  # one line per policy
    records: list[tuple[str, str]]  # ref, text (incidents and earlier coachings, newest first)
    policy: str | None = None
    level: str | None = None
    incident: str | None = None
    links: list[str] = field(default_factory=list)
    skip_note: str | None = None


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": plain(label[:75]), "value": key} for key, label in pairs]


def coach_modal(form: CoachForm) -> dict[str, Any]:
    policy_options = _options(form.policies)
    level_options = _options(form.levels)
    who = f"*{form.agent_name}*" + (f" ({form.n_number})" if form.n_number else "")
    if form.cohort_name:
        who += f" · {form.cohort_name}"
    blocks: list[Block] = [section(who)]
    proposed = "*Proposed next step*\n" + "\n".join(f"• {line}" for line in form.proposals)
    blocks.append(section(shorten(proposed, SECTION)))
    if form.skip_note:
        blocks.append(section(shorten(f":warning: {form.skip_note}", SECTION)))
    if form.records:
        related = "*Related records*\n" + "\n".join(f"• {text}" for _, text in form.records)
        blocks.append(section(shorten(related, SECTION)))
    else:
        blocks.append(context("No MIAs, tardies, failed attempts or coachings on record."))
    policy_el: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.FIELD_INPUT,
        "options": policy_options,
    }
    initial_policy = next((o for o in policy_options if o["value"] == form.policy), None)
    if initial_policy:
        policy_el["initial_option"] = initial_policy
    level_el: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.FIELD_INPUT,
        "options": level_options,
    }
    initial_level = next((o for o in level_options if o["value"] == form.level), None)
    if initial_level:
        level_el["initial_option"] = initial_level
    blocks.append(input_block(ids.COACH_POLICY_BLOCK, "Policy", policy_el))
    blocks.append(
        input_block(
            ids.COACH_LEVEL_BLOCK,
            "Level",
            level_el,
            hint="A level above the proposed one needs the reason below.",
        )
    )
    if form.records:
        link_options = _options([(ref, text) for ref, text in form.records[:10]])
        links_el: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": ids.FIELD_INPUT,
            "options": link_options,
        }
        initial = [o for o in link_options if o["value"] in form.links]
        if initial:
            links_el["initial_options"] = initial
        blocks.append(input_block(ids.COACH_LINKS_BLOCK, "This coaching is about", links_el, optional=True))
    incident_el: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.FIELD_INPUT,
        "multiline": True,
        "max_length": INCIDENT,
    }
    if form.incident:
        incident_el["initial_value"] = shorten(form.incident, INCIDENT)
    blocks.append(input_block(ids.COACH_INCIDENT_BLOCK, "What happened", incident_el))
    blocks.append(
        input_block(
            ids.COACH_EXPECTATION_BLOCK,
            "Expectation going forward",
            {
                "type": "plain_text_input",
                "action_id": ids.FIELD_INPUT,
                "multiline": True,
                "max_length": EXPECTATION,
            },
            optional=True,
            hint="Left empty, the policy's expectation from the playbook is used.",
        )
    )
    blocks.append(
        input_block(
            ids.COACH_SKIP_BLOCK,
            "Reason for skipping a level",
            {"type": "plain_text_input", "action_id": ids.FIELD_INPUT, "max_length": NOTE},
            optional=True,
            hint="Only when the level is above the proposed one; it is kept.",
        )
    )
    return {
        "type": "modal",
        "callback_id": ids.VIEW_COACH,
        "title": plain("Coaching"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"agent": form.agent_slack_id}),
        "blocks": blocks,
    }


def coach_open_button(
    label: str, *, agent: str, policy: str, level: str, incident: str = "", links: list[str] | None = None
) -> dict[str, Any]:
    value = json.dumps(
        {
            "agent": agent,
            "policy": policy,
            "level": level,
            # A button's value holds at most 2,000 characters; the form shows the rest to fill in.
            "incident": shorten(incident, 800),
            "links": (links or [])[:10],
        },
        ensure_ascii=False,
    )
    return button(label, ids.ACTION_COACH_OPEN, value, style="primary")


def skip_needs_confirmation(message: str, open_button: dict[str, Any]) -> list[Block]:
    return [
        section(f":warning: {message}"),
        {"type": "actions", "elements": [open_button]},
        context("The form opens filled in; add the reason for the skip and save."),
    ]


def coaching_saved_text(saved: CoachingSaved) -> str:
    return f"Saved: {saved.level_label} for {saved.agent_name}."


def coaching_saved(saved: CoachingSaved) -> list[Block]:
    lines = [f":memo: Saved: *{saved.level_label}* for *{saved.agent_name}* under the {saved.policy_title}."]
    if saved.skip_reason:
        lines.append(
            f"Proposed was {saved.proposed_label}; skipped with the reason: {shorten(saved.skip_reason, NOTE)}"
        )
    if saved.cap:
        lines.append(f"The filled CAP is in <@{saved.tl}>'s DMs, ready to sign.")
    return [section("\n".join(lines))]


def cap_document(agent_name: str, level_label: str, document: str) -> list[Block]:
    blocks: list[Block] = [header(f"{level_label}: {agent_name}")]
    chunk = 2800
    # A message holds at most 50 blocks; a CAP longer than that is cut (the export has it whole).
    document = shorten(document, chunk * 45)
    for start in range(0, len(document), chunk):
        blocks.append(section("```" + document[start : start + chunk] + "```"))
    blocks.append(context("Print it or paste it into the CAP form; both signatures are needed."))
    return blocks


def coaching_history_text(history: History) -> str:
    return f"Coaching history of {history.agent_name}: {len(history.rows)} coaching(s)."


def coaching_history(history: History) -> list[Block]:
    """Newest first. Stored text is cut to its cap, so an old oversized record still shows."""
    blocks: list[Block] = [header(shorten(f"Coaching history: {history.agent_name}", 150))]
    if not history.rows:
        blocks.append(section("No coachings on record."))
        return blocks
    if history.current:
        blocks.append(context(f"Highest level so far: *{history.current}*"))
    for row in history.rows[:HISTORY_ROWS]:
        text = f"*{row.date}* · *{row.level}* · {row.policy} · by {row.by}\n{shorten(row.incident, INCIDENT)}"
        if row.skip_reason:
            text += f"\n_Skipped a level: {shorten(row.skip_reason, NOTE)}_"
        blocks.append(section(text))
    if len(history.rows) > HISTORY_ROWS:
        blocks.append(context(f"{len(history.rows) - HISTORY_ROWS} older coaching(s) not shown."))
    return blocks


def failcert_modal(carriers: list[tuple[str, str]], agent: str | None = None) -> dict[str, Any]:
    agent_el: dict[str, Any] = {"type": "users_select", "action_id": ids.FIELD_INPUT}
    if agent:
        agent_el["initial_user"] = agent
    return {
        "type": "modal",
        "callback_id": ids.VIEW_FAILCERT,
        "title": plain("Failed cert exam"),
        "submit": plain("Record"),
        "close": plain("Cancel"),
        "blocks": [
            input_block(ids.FAILCERT_AGENT_BLOCK, "Agent", agent_el),
            input_block(
                ids.FAILCERT_CARRIER_BLOCK,
                "Carrier",
                {"type": "static_select", "action_id": ids.FIELD_INPUT, "options": _options(carriers)},
            ),
            input_block(
                ids.FAILCERT_SCORE_BLOCK,
                "Score",
                {"type": "number_input", "action_id": ids.FIELD_INPUT, "is_decimal_allowed": False},
                optional=True,
            ),
            input_block(
                ids.FAILCERT_NOTE_BLOCK,
                "Note",
                {"type": "plain_text_input", "action_id": ids.FIELD_INPUT, "max_length": 500},
                optional=True,
            ),
        ],
    }


def failure_answer(result: FailureResult, text: str) -> list[Block]:
    """The answer to a failed attempt: the guide's step and a button to document the proposed coaching."""
    button = coach_open_button(
        f"Document the {result.proposed_label}…",
        agent=result.agent_slack_id,
        policy="failedcert",
        level=result.proposed_level,
        links=[f"attempt:{result.attempt_id}"],
        incident=f"Failed the {result.carrier_name} exam ({result.ordinal} of {result.limit} attempts"
        + (f", score {result.score}" if result.score is not None else "")
        + ").",
    )
    return failure_reply(text + f"\nProposed coaching: *{result.proposed_label}*.", button)


def failure_reply(text: str, proposal_button: dict[str, Any] | None) -> list[Block]:
    blocks: list[Block] = [section(text)]
    if proposal_button is not None:
        blocks.append({"type": "actions", "elements": [proposal_button]})
    return blocks


def progress_modal(steps: list[tuple[str, str]], initial: str | None) -> dict[str, Any]:
    options = _options(steps)
    element: dict[str, Any] = {"type": "static_select", "action_id": ids.FIELD_INPUT, "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return {
        "type": "modal",
        "callback_id": ids.VIEW_PROGRESS,
        "title": plain("My progress"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [input_block(ids.PROGRESS_STEP_BLOCK, "What did you just finish?", element)],
    }


def progress_saved(saved: ProgressSaved) -> list[Block]:
    who = "You" if saved.own else saved.agent_name
    return [section(f":white_check_mark: {who} finished *{saved.label}*."), context(saved.next_step)]


def class_progress(cohort_name: str, rows: list[tuple[str, str, str]], day: int | None) -> list[Block]:
    """rows: agent name, where they are, what is missing for today's pace ('' when on pace)."""
    title = f"Progress: {cohort_name}" + (f" (day {day})" if day else "")
    blocks: list[Block] = [header(title)]
    lines = []
    for name, where, gap in rows:
        mark = ":warning:" if gap else ":white_check_mark:"
        lines.append(f"{mark} *{name}*: {where}" + (f" · behind pace: {gap}" if gap else ""))
    blocks.extend(sections(lines) if lines else [section("No agents in this cohort.")])
    return blocks


def behind_pace_section(day: int, rows: list[tuple[str, str]]) -> list[Block]:
    if not rows:
        return [section(f"*Timeframe:* every agent is on pace after day {day}.")]
    return sections(
        [
            f"*Behind pace after day {day}* (Agent Timeframe Expectations)",
            *(f"• *{name}*: missing {gap}" for name, gap in rows),
        ]
    )


def window_flag(agent_name: str, cohort_name: str, missing: str, excuse: str | None, propose: bool) -> str:
    text = (
        f":rotating_light: {agent_name} has not finished inside the {cohort_name} window. Missing: {missing}."
    )
    if excuse:
        text += f"\nThe TL recorded the delay as outside the agent's control: {excuse}. No CAP is proposed."
    elif propose:
        text += (
            "\nProposed: *Final CAP* under the Agent Timeframe Expectations (unless the delay was outside "
            "the agent's control: `/progress @agent excuse REASON`)."
        )
    return text
