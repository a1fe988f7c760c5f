"""The three-day timeframe in the day plan: who is behind pace at the end of each day (a section
of the TL's end-of-day DM), and, after the window, a flag to the TL and the PM for each agent who
has not finished, with a Final CAP proposed unless the TL excused the delay."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.cohorts import service as cohorts
from bot.core import job_context as runtime
from bot.core.unit_of_work import Caller
from bot.progress import blocks
from bot.progress import service as progress
from scheduler.daily_job import DailyJob

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import AppContext


TIMEFRAME_CHECK = DailyJob(
    name="timeframe-check",
    func="bot.progress.timeframe_jobs:timeframe_check",
    anchor="day_end",
    offset_minutes=30,
)


def behind_pace(session: Session, ctx: AppContext, cohort_id: int, day: int) -> list[dict[str, Any]]:
    cohort = cohorts.by_id(session, cohort_id)
    rows = [
        (agent.name, progress.describe(ctx.playbook, gap))
        for agent, gap in progress.behind_pace(session, cohort, ctx.playbook, day)
    ]
    return blocks.behind_pace_section(day, rows)


def timeframe_check(cohort_id: int, day: int) -> int:
    """On the day the window closes: flag every unfinished agent to the TL and the PM, once each.

    Returns how many agents were flagged (0 on other days)."""
    return progress.flag_window(runtime.current(), Caller.system(), cohort_id, day)
