"""What other capabilities add to each training day, without the day plan knowing them.

- DAILY_JOBS: a job per training day, anchored at day start or day end with an offset. The
  planner gives each a stable id `cohort:{cohort_id}:day:{day}:{name}` and calls
  `func(cohort_id, day)` (func is a 'module:function' string; day counts from 1).
- END_OF_DAY_SECTIONS: functions (session, ctx, cohort_id, day) -> list of Block Kit blocks,
  appended to the TL's end-of-day DM, in order.

Capabilities register at import time of their module; `scheduler.contributions.load()` imports
the modules listed in CONTRIBUTORS so every process sees the same set.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.context import AppContext
    from bot.playbook import Playbook


@dataclass(frozen=True)
class DailyJob:
    name: str
    func: str
    anchor: Literal["day_start", "day_end"]
    # Minutes after the anchor: a number, or a function of the playbook when the team sets it there.
    offset_minutes: int | Callable[[Playbook], int] = 0

    def offset(self, playbook: Playbook) -> int:
        return self.offset_minutes(playbook) if callable(self.offset_minutes) else self.offset_minutes


EndOfDaySection = Callable[["Session", "AppContext", int, int], list[dict[str, Any]]]

DAILY_JOBS: list[DailyJob] = []
END_OF_DAY_SECTIONS: list[EndOfDaySection] = []

# Modules that register contributions when imported.
CONTRIBUTORS: list[str] = [
    "scheduler.help_queue_report",  # the help queue's wait times in the end-of-day DM
    "scheduler.timeframe",  # behind pace at day end; the window check
    "scheduler.evening_check",  # the TL's checklist and its reminder
]


def daily_job(job: DailyJob) -> None:
    if all(existing.name != job.name for existing in DAILY_JOBS):
        DAILY_JOBS.append(job)


def end_of_day_section(section: EndOfDaySection) -> EndOfDaySection:
    if section not in END_OF_DAY_SECTIONS:
        END_OF_DAY_SECTIONS.append(section)
    return section


def load() -> None:
    for module in CONTRIBUTORS:
        importlib.import_module(module)
