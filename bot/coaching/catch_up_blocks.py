"""Block Kit for the Final CAP's catch-up: the form the TL schedules the sessions in, and the DMs
that say when they are."""

from __future__ import annotations

import json
from typing import Any

from bot.coaching.types import CatchUpForm
from bot.core.text import escape_line
from bot.slack import ids
from bot.slack.blocks import Block, input_block, plain, section


def modal(form: CatchUpForm) -> dict[str, Any]:
    blocks: list[Block] = [
        section(
            f"*{escape_line(form.agent_name)}*: {form.extra_hours:g} extra hours in {len(form.sessions)} sessions of "
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
    who = "Your" if own else f"{escape_line(agent_name)}'s"
    head = f":calendar: {who} catch-up sessions ({extra_hours:g} extra hours to finish):"
    return "\n".join([head, *(f"• {line}" for line in lines)])
