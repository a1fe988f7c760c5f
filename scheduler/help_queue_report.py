"""The help queue's section of the TL's end-of-day DM: how many asked, how long they waited to
be claimed (median and longest), and who was never claimed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.blocks import help as help_blocks
from bot.domain.dayplan import business_days
from bot.services import cohorts, help_notify, help_queue

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.context import AppContext


def training_date(start: date, day: int) -> date:
    """The date of training day `day` (1 = the first day), as the day plan counts them."""
    return business_days(start, day)[-1]


def day_window(start: date, day: int, timezone: str) -> tuple[datetime, datetime]:
    """Midnight to midnight of training day `day` in the class's timezone."""
    zone = ZoneInfo(timezone)
    when = training_date(start, day)
    return (datetime.combine(when, time(0), zone), datetime.combine(when + timedelta(days=1), time(0), zone))


def help_queue_section(session: Session, ctx: AppContext, cohort_id: int, day: int) -> list[dict[str, Any]]:
    cohort = cohorts.by_id(session, cohort_id)
    start, end = day_window(cohort.start_date, day, cohort.timezone)
    stats = help_queue.day_stats(session, cohort_id, start, end)
    return help_blocks.end_of_day(
        requests=stats.requests,
        claimed=stats.claimed,
        median_wait=stats.median_wait,
        max_wait=stats.max_wait,
        unclaimed=[help_notify.card(ctx, r) for r in stats.unclaimed],
    )
