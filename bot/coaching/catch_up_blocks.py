"""Block Kit for the Final CAP's catch-up: the button on the window flag, the form, the DMs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.coaching.blocks import coach_open_button
from bot.config.playbook import Playbook
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, input_block, plain, section


@dataclass(frozen=True)
class CatchUpForm:
    agent: str
    agent_name: str
    extra_hours: float
    session_hours: float
    sessions: list[tuple[str, str]] = field(default_factory=list)  # (YYYY-MM-DD, HH:MM) proposed


def schedule_button(agent_slack_id: str, sessions: int, session_hours: float) -> Block:
    return actions(
        button(
            f"Schedule the {sessions} catch-up sessions…",
            ids.ACTION_CATCHUP_OPEN,
            agent_slack_id,
            style="primary",
        )
    )


def for_flag(playbook: Playbook, excuse: str | None) -> str | None:
    """The Final CAP's catch-up line for a window flag (None when excused or turned off)."""
    policy = playbook.catch_up
    if not policy.enabled or excuse:
        return None
    return final_cap_line(policy.extra_hours, policy.sessions, policy.session_hours)


def flag_blocks(text: str, playbook: Playbook, agent_slack_id: str) -> list[Block]:
    """The TL's window flag: the text, and the button that opens the catch-up form."""
    policy = playbook.catch_up
    return [section(text), schedule_button(agent_slack_id, policy.sessions, policy.session_hours)]


def final_cap_line(extra_hours: float, sessions: int, session_hours: float) -> str:
    return (
        f"Final CAP: not finishing within another {extra_hours:g} hours may mean termination; "
        f"{sessions} catch-up sessions of {session_hours:g} hours are scheduled on the next business days."
    )


def modal(form: CatchUpForm) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            f"*{form.agent_name}*: {form.extra_hours:g} extra hours in {len(form.sessions)} sessions of "
            f"{form.session_hours:g} hours. Confirm or change the days and start times."
        )
    ]
    for number, (day, start) in enumerate(form.sessions, start=1):
        blocks.append(
            input_block(
                ids.CATCHUP_DATE_BLOCKS[number - 1],
                f"Session {number}: day",
                {"type": "datepicker", "action_id": ids.FIELD_INPUT, "initial_date": day},
            )
        )
        blocks.append(
            input_block(
                ids.CATCHUP_TIME_BLOCKS[number - 1],
                f"Session {number}: start",
                {"type": "timepicker", "action_id": ids.FIELD_INPUT, "initial_time": start},
            )
        )
    return {
        "type": "modal",
        "callback_id": ids.VIEW_CATCHUP,
        "title": plain("Catch-up sessions"),
        "submit": plain("Schedule"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"agent": form.agent}),
        "blocks": blocks,
    }


def sessions_text(agent_name: str, extra_hours: float, lines: list[str], *, own: bool) -> str:
    who = "Your" if own else f"{agent_name}'s"
    head = f":calendar: {who} catch-up sessions ({extra_hours:g} extra hours to finish):"
    return "\n".join([head, *(f"• {line}" for line in lines)])


def end_text(agent_name: str, extra_hours: float, missing: str, label: str) -> str:
    return (
        f":rotating_light: {agent_name} has used the {extra_hours:g} extra hours of the catch-up and "
        f"has still not finished. Missing: {missing}. Proposed: *{label}*."
    )


def end_blocks(text: str, agent_slack_id: str, level: str, label: str, extra_hours: float) -> list[Block]:
    return [
        section(text),
        actions(
            coach_open_button(
                f"Document the {label}…",
                agent=agent_slack_id,
                policy="timeframe",
                level=level,
                incident=f"Not finished after the {extra_hours:g} extra hours of the Final CAP's catch-up.",
            )
        ),
        context("Agent Timeframe Expectations: the Final CAP's catch-up is over."),
    ]
