"""The PM's ESP-complete DM with its Moved to production button, and what pressing it says."""

from __future__ import annotations

from bot.core.text import escape_line
from bot.core.timefmt import show_for
from bot.esp_tracker.types import MoveResult
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


def moved(result: MoveResult) -> tuple[str, list[Block]]:
    when = show_for(result.moved_at, result.reader_tz, result.class_tz)
    if result.already:
        text = f"{escape_line(result.agent_name)} was already marked moved to production by {escape_line(result.moved_by)} ({when})."
    else:
        text = (
            f":rocket: {escape_line(result.agent_name)} ({escape_line(result.cohort_name)}) is marked moved to production by "
            f"{escape_line(result.moved_by)} ({when})."
        )
    return text, [
        section(text),
        context("They leave the class's active lists; the tracker export keeps them."),
    ]
