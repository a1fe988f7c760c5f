"""Block Kit for progress: the /progress form and answers, the class's progress, the TL's
behind-pace section, the window flag with its catch-up button, and the coaching proposals of the
AHIP clock and of the catch-up's end. Pure functions: view models in, blocks out."""

from __future__ import annotations

from typing import Any

from bot.coaching.types import CoachOpen
from bot.core.text import escape_line
from bot.progress.types import ProgressSaved
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, header, input_block, plain, section, sections

PROGRESS_USAGE = (
    "*/progress* — report what you finished: `/progress ahip 3` (AHIP module 3), `/progress ahip final`, "
    "`/progress aetna done`, or `/progress` for the form.\n"
    "Team leads: `/progress @agent ahip 3` sets it for an agent; `/progress @agent excuse REASON` records "
    "that a delay was outside the agent's control; `/progress` (or `/progress class`) in the class channel "
    "shows the class.\n"
    "The AHIP clock: `/progress @agent pause REASON` stops an agent's clock (an N-Number that came late, "
    "say); `/progress @agent resume` starts it again."
)


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": plain(label[:75]), "value": key} for key, label in pairs]


def _coach_open_button(label: str, proposal: CoachOpen) -> dict[str, Any]:
    """The button that opens the /coach form filled in with the proposed coaching."""
    return button(label, ids.ACTION_COACH_OPEN, proposal.value(), style="primary")


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
        # The mark's words follow it: "on pace" or "behind pace", never the glyph alone.
        status = f":warning: behind pace: {gap}" if gap else ":white_check_mark: on pace"
        lines.append(f"*{escape_line(name)}*: {where} · {status}")
    blocks.extend(sections(lines) if lines else [section("No agents in this cohort.")])
    return blocks


def behind_pace_section(day: int, rows: list[tuple[str, str]]) -> list[Block]:
    if not rows:
        return [section(f"*Timeframe:* every agent is on pace after day {day}.")]
    return sections(
        [
            f"*Behind pace after day {day}* (Agent Timeframe Expectations)",
            *(f"• *{escape_line(name)}*: missing {gap}" for name, gap in rows),
        ]
    )


# -- the window ---------------------------------------------------------------------------------------
def window_flag(agent_name: str, cohort_name: str, missing: str, excuse: str | None, propose: bool) -> str:
    text = f":rotating_light: {escape_line(agent_name)} has not finished inside the {escape_line(cohort_name)} window. Missing: {missing}."
    if excuse:
        text += f"\nThe TL recorded the delay as outside the agent's control: {excuse}. No CAP is proposed."
    elif propose:
        text += (
            "\nProposed: *Final CAP* under the Agent Timeframe Expectations (unless the delay was outside "
            "the agent's control: `/progress @agent excuse REASON`)."
        )
    return text


def final_cap_line(extra_hours: float, sessions: int, session_hours: float) -> str:
    """The Final CAP's catch-up, as the window flag says it."""
    return (
        f"Final CAP: not finishing within another {extra_hours:g} hours may mean termination; "
        f"{sessions} catch-up sessions of {session_hours:g} hours are scheduled on the next business days."
    )


def schedule_button(agent_slack_id: str, sessions: int) -> Block:
    return actions(
        button(
            f"Schedule the {sessions} catch-up sessions…",
            ids.ACTION_CATCHUP_OPEN,
            agent_slack_id,
            style="primary",
        )
    )


def window_flag_blocks(text: str, agent_slack_id: str, sessions: int) -> list[Block]:
    """The TL's window flag: the text, and the button that opens the catch-up form."""
    return [section(text), schedule_button(agent_slack_id, sessions)]


# -- the catch-up's end -------------------------------------------------------------------------------
def catch_up_end_text(agent_name: str, extra_hours: float, missing: str, label: str) -> str:
    return (
        f":rotating_light: {escape_line(agent_name)} has used the {extra_hours:g} extra hours of the catch-up and "
        f"has still not finished. Missing: {missing}. Proposed: *{label}*."
    )


def catch_up_end_blocks(
    text: str, agent_slack_id: str, level: str, label: str, extra_hours: float
) -> list[Block]:
    proposal = CoachOpen(
        agent=agent_slack_id,
        policy="timeframe",
        level=level,
        incident=f"Not finished after the {extra_hours:g} extra hours of the Final CAP's catch-up.",
    )
    return [
        section(text),
        actions(_coach_open_button(f"Document the {label}…", proposal)),
        context("Agent Timeframe Expectations: the Final CAP's catch-up is over."),
    ]


# -- the AHIP clock -----------------------------------------------------------------------------------
def _amount(after: float, unit: str) -> str:
    return f"{after:g} {unit.removesuffix('s') if after == 1 else unit}"


def timed_mark_text(
    agent_name: str, what: str, after: float, unit: str, label: str | None, limit: float
) -> str:
    """The TL's DM at a mark of a timed rule (the AHIP clock's among them)."""
    head = (
        f":hourglass: {escape_line(agent_name)} has spent {_amount(after, unit)} on {escape_line(what)} "
        f"(the guide gives {limit:g}) and has not finished."
    )
    return f"{head} Proposed: *{label}*." if label else f"{head} The guide's limit has passed; no step yet."


def timed_mark_blocks(
    agent_name: str,
    agent_slack_id: str,
    *,
    what: str,
    after: float,
    unit: str,
    limit: float,
    policy: str,
    level: str | None,
    label: str | None,
    pausable: bool,
) -> list[Block]:
    """The TL's DM at a mark, with the button to document the proposed step (the form filled in)."""
    blocks: list[Block] = [section(timed_mark_text(agent_name, what, after, unit, label, limit))]
    if level is not None and label is not None:
        proposal = CoachOpen(
            agent=agent_slack_id,
            policy=policy,
            level=level,
            incident=(
                f"Still not done with {what} after {_amount(after, unit)} (the guide gives {limit:g})."
            ),
        )
        blocks.append(actions(_coach_open_button(f"Document the {label}…", proposal)))
    if pausable:
        blocks.append(
            context(
                "Pause the clock for a delay outside the agent's control: `/progress @agent pause REASON`."
            )
        )
    return blocks
