"""The day plan: cohorts in, the jobs that run their days out. Pure apart from reading cohorts.

Every job has an id derived from what it does (`cohort:12:day:2:break:1:raise`), a UTC time
planned in the cohort's timezone, a 'module:function' and plain arguments, and a misfire grace:
how late it may still run. Channel prompts get the playbook's short grace (skipped, never posted
late); checks and reports may run until the day is over; the G2T link until the class ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.calendar.dayplan import DayTimes
from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.g2t import links as g2t_links
from db.models import Cohort
from scheduler import jobs as job_list

JOBS = "scheduler.jobs"
DAY_JOBS = "bot.class_day.jobs"
G2T_JOBS = "bot.g2t.jobs"


@dataclass(frozen=True)
class PlannedJob:
    id: str
    run_at: datetime
    func: str
    args: tuple[int, ...]
    grace_seconds: int

    def runnable_at(self, now: datetime) -> bool:
        """Due by `now` and not yet past its grace (what a fresh start would still run)."""
        return self.run_at <= now <= self.run_at + timedelta(seconds=self.grace_seconds)

    def expired_at(self, now: datetime) -> bool:
        return now > self.run_at + timedelta(seconds=self.grace_seconds)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds()))


def plan_cohort(cohort: Cohort, playbook: Playbook) -> list[PlannedJob]:
    policy = playbook.attendance
    prompt_grace = policy.late_prompt_grace_minutes * 60
    days = attendance.days_of(cohort, playbook)
    if not days:
        return []
    cid = cohort.id
    first_link = g2t_links.due_at(cohort, playbook)
    jobs = [
        PlannedJob(
            f"cohort:{cid}:g2t",
            first_link,
            f"{G2T_JOBS}:send_g2t_links",
            (cid,),
            _seconds(days[-1].end - first_link),
        )
    ]
    for day in days:
        jobs.extend(_day_jobs(cid, day, playbook, prompt_grace))
    jobs.extend(_cohort_jobs(cohort, playbook))
    return sorted(jobs, key=lambda j: j.run_at)  # stable: same-time jobs keep the order above


def _day_jobs(cid: int, day: DayTimes, playbook: Playbook, prompt_grace: int) -> list[PlannedJob]:
    policy = playbook.attendance
    n = day.number
    prefix = f"cohort:{cid}:day:{n}"
    until_end = lambda moment: _seconds(day.end + timedelta(hours=1) - moment)  # noqa: E731
    jobs = [
        PlannedJob(f"{prefix}:morning", day.start, f"{DAY_JOBS}:morning_post", (cid, n), prompt_grace),
        PlannedJob(
            f"{prefix}:tardy",
            day.checkin_closes(policy),
            f"{DAY_JOBS}:mark_tardy",
            (cid, n),
            until_end(day.checkin_closes(policy)),
        ),
        PlannedJob(
            f"{prefix}:absent",
            day.absent_at(),
            f"{DAY_JOBS}:mark_absent",
            (cid, n),
            until_end(day.absent_at()),
        ),
    ]
    for spot in day.breaks:
        b = spot.number
        jobs += [
            PlannedJob(
                f"{prefix}:break:{b}:raise",
                spot.raise_at(policy),
                f"{DAY_JOBS}:raise_prompt",
                (cid, n, b),
                prompt_grace,
            ),
            PlannedJob(
                f"{prefix}:break:{b}:lower", spot.end, f"{DAY_JOBS}:lower_prompt", (cid, n, b), prompt_grace
            ),
            PlannedJob(
                f"{prefix}:break:{b}:mia",
                spot.lower_closes(policy),
                f"{DAY_JOBS}:check_break",
                (cid, n, b),
                until_end(spot.lower_closes(policy)),
            ),
        ]
    for extra in job_list.DAILY_JOBS:
        anchor = day.start if extra.anchor == "day_start" else day.end
        when = anchor + timedelta(minutes=extra.offset(playbook))
        jobs.append(PlannedJob(f"{prefix}:{extra.name}", when, extra.func, (cid, n), until_end(when)))
    jobs.append(PlannedJob(f"{prefix}:eod", day.end, f"{JOBS}:end_of_day", (cid, n), 12 * 3600))
    return jobs


def _cohort_jobs(cohort: Cohort, playbook: Playbook) -> list[PlannedJob]:
    """Jobs of job_list.COHORT_JOBS: each at its own times, which may run past the class's days."""
    jobs = []
    for extra in job_list.COHORT_JOBS:
        times = extra.times(cohort, playbook)
        for when, after in zip(times, [*times[1:], None], strict=True):
            # A check may still run until the next one is due (a day, for the last).
            grace = _seconds((after or when + timedelta(days=1)) - when)
            stamp = when.strftime("%Y%m%dT%H%M")
            jobs.append(
                PlannedJob(f"cohort:{cohort.id}:{extra.name}:{stamp}", when, extra.func, (cohort.id,), grace)
            )
    return jobs


def plan_all(session: Session, playbook: Playbook) -> list[PlannedJob]:
    jobs: list[PlannedJob] = []
    for cohort in cohorts.all_cohorts(session):
        jobs.extend(plan_cohort(cohort, playbook))
    return sorted(jobs, key=lambda j: j.run_at)
