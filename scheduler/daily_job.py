"""The shape of a job that runs once per training day, and of a section of the end-of-day DM."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.config.playbook import Playbook
    from bot.core.context import AppContext
    from db.models import Cohort


@dataclass(frozen=True)
class DailyJob:
    name: str
    func: str
    anchor: Literal["day_start", "day_end"]
    # Minutes after the anchor: a number, or a function of the playbook when the team sets it there.
    offset_minutes: int | Callable[[Playbook], int] = 0

    def offset(self, playbook: Playbook) -> int:
        return self.offset_minutes(playbook) if callable(self.offset_minutes) else self.offset_minutes


@dataclass(frozen=True)
class CohortJob:
    """A job at times the cohort and playbook give (`times`), not tied to the class's days;
    the planner calls `func(cohort_id)` with the id `cohort:{cohort_id}:{name}:{YYYYmmddTHHMM}`."""

    name: str
    func: str
    times: Callable[[Cohort, Playbook], list[datetime]]


@dataclass(frozen=True)
class HousekeepingJob:
    """A job not tied to any class: daily at `hour` (a number, or a function of the playbook when
    the team sets it there), or every hour when `hour` is None; at `minute`, in UTC. The
    runner gives it the stable id `job_id` and calls `func()` with no arguments."""

    job_id: str
    func: str
    hour: int | Callable[[Playbook], int] | None = None
    minute: int = 0

    def at_hour(self, playbook: Playbook) -> int | None:
        return self.hour(playbook) if callable(self.hour) else self.hour


EndOfDaySection = Callable[["Session", "AppContext", int, int], list[dict[str, Any]]]
