"""The help queue's section of the TL's end-of-day DM: how many asked, how long they waited to
be claimed (median and longest), and who was never claimed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.calendar.class_days import day_window
from bot.cohorts import service as cohorts
from bot.help_queue import blocks as help_blocks
from bot.help_queue import notify as help_notify
from bot.help_queue import service as help_queue

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import AppContext


def help_queue_section(session: Session, ctx: AppContext, cohort_id: int, day: int) -> list[dict[str, Any]]:
    cohort = cohorts.by_id(session, cohort_id)
    start, end = day_window(cohort, ctx.playbook, day)
    stats = help_queue.day_stats(session, cohort_id, start, end)
    return help_blocks.end_of_day(
        requests=stats.requests,
        claimed=stats.claimed,
        median_wait=stats.median_wait,
        max_wait=stats.max_wait,
        unclaimed=[help_notify.card(ctx, r) for r in stats.unclaimed],
    )
