"""The PM's ESP-complete DM with its Moved to production button, and what pressing it says."""

from __future__ import annotations

from datetime import datetime

from bot.core.timefmt import show_for
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, section


def complete_for_pm(text: str, enrollment_id: int) -> list[Block]:
    return [
        section(text),
        actions(
            button(
                "Moved to production", ids.ACTION_MOVED_TO_PRODUCTION, str(enrollment_id), style="primary"
            ),
            block_id=f"production_{enrollment_id}",
        ),
    ]


def moved(
    agent_name: str,
    cohort_name: str,
    moved_by: str,
    moved_at: datetime,
    already: bool,
    reader_tz: str | None,
    class_tz: str,
) -> tuple[str, list[Block]]:
    when = show_for(moved_at, reader_tz, class_tz)
    if already:
        text = f"{agent_name} was already marked moved to production by {moved_by} ({when})."
    else:
        text = f":rocket: {agent_name} ({cohort_name}) is marked moved to production by {moved_by} ({when})."
    return text, [
        section(text),
        context("They leave the class's active lists; the tracker export keeps them."),
    ]
