"""The AHIP clock: the AHIP guide's hours counted in training hours only.

Training time is the cohort's day schedule (breaks and lunch left out) on business days from the
class's first day on, past the class's last day too, since an agent may still be on AHIP then.
An agent's clock starts at the class's first training hour or at their first `/progress ahip`
(the playbook chooses), stops while the TL has it paused, and stops for good once AHIP is done.
At each mark passed, the TL gets one DM proposing the mark's coaching step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action
from bot.calendar import class_days
from bot.calendar.dayplan import DayTimes, training_days
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, people
from bot.core.errors import Conflict, InvalidInput
from bot.core.text import NOTE, escape_line, require_length
from bot.core.unit_of_work import Work, use_case
from bot.progress.steps import done_steps, steps_of
from bot.progress.types import ClockChanged
from db.models import AhipClock, Cohort, Person

Span = tuple[datetime, datetime]
# A clock started by a report (TBTs, a Call Cert) may start this many business days after the
# class's last day and still count its training hours.
LATE_START_DAYS = 10


# -- training time -----------------------------------------------------------------------------------
def horizon_days(cohort: Cohort, playbook: Playbook) -> int:
    """How many business days the clocks may run over: the class, and enough days after it to reach
    every training-hour clock's last mark from a start on the class's last day (or up to
    LATE_START_DAYS later when a clock may start after the class), with two days' room for pauses."""
    schedule = class_days.schedule_of(cohort, playbook)
    daily = _daily_minutes(schedule_spans(training_days(cohort.start_date, 1, cohort.timezone, schedule)))
    clocks = [c for c in playbook.clocks() if c.counts == "training_hours"]
    last = max([m.after for c in clocks for m in c.marks] + [c.limit for c in clocks], default=0)
    late = any(c.starts != "class_start" for c in clocks)
    # A dated clock may start after the class: the days up to its date are covered too.
    dated = [(c.start_date - cohort.start_date).days for c in clocks if c.start_date is not None]
    lead = max([cohort.days + (LATE_START_DAYS if late else 0), *dated])
    return lead + math.ceil(last * 60 / max(daily, 1)) + 2


def days_of(cohort: Cohort, playbook: Playbook) -> list[DayTimes]:
    # On the class calendar: holidays and closed dates add no training hours.
    return class_days.days_of(cohort, playbook, count=horizon_days(cohort, playbook))


def schedule_spans(days: list[DayTimes]) -> list[Span]:
    """The training spans of the days: day start to day end without the breaks."""
    spans: list[Span] = []
    for day in days:
        cursor = day.start
        for pause in sorted(day.breaks, key=lambda b: b.start):
            if pause.start > cursor:
                spans.append((cursor, pause.start))
            cursor = max(cursor, pause.end)
        if day.end > cursor:
            spans.append((cursor, day.end))
    return spans


def _daily_minutes(spans: list[Span]) -> int:
    return int(sum((b - a).total_seconds() for a, b in spans) // 60)


def training_minutes(spans: list[Span], start: datetime, end: datetime) -> float:
    total = 0.0
    for a, b in spans:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total += (hi - lo).total_seconds() / 60
    return total


def moment_after(spans: list[Span], start: datetime, minutes: float) -> datetime | None:
    """When `minutes` training minutes have passed since `start` (None: past the horizon)."""
    left = minutes
    for a, b in spans:
        lo = max(a, start)
        if b <= lo:
            continue
        length = (b - lo).total_seconds() / 60
        if length >= left:
            return lo + timedelta(minutes=left)
        left -= length
    return None


# -- an agent's clock --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClockState:
    started_at: datetime | None
    elapsed_minutes: float
    paused: bool
    pause_reason: str | None
    done: bool


def clock_of(session: Session, person_id: int, carrier: str) -> AhipClock | None:
    return session.scalar(
        select(AhipClock).where(AhipClock.person_id == person_id, AhipClock.carrier_key == carrier)
    )


def is_done(session: Session, person_id: int, playbook: Playbook) -> bool:
    carrier = playbook.ahip_clock.carrier
    needed = {f"{carrier} {s.key}" for s in steps_of(playbook, carrier)}
    return needed <= done_steps(session, person_id, playbook)


def state(session: Session, cohort: Cohort, agent: Person, playbook: Playbook, now: datetime) -> ClockState:
    policy = playbook.ahip_clock
    row = clock_of(session, agent.id, policy.carrier)
    spans = schedule_spans(days_of(cohort, playbook))
    if policy.starts == "class_start":
        started_at: datetime | None = spans[0][0] if spans else None
    else:
        started_at = row.started_at if row else None
    elapsed = 0.0
    if started_at is not None:
        until = row.paused_at if row is not None and row.paused_at is not None else now
        elapsed = training_minutes(spans, started_at, until) - (row.paused_minutes if row else 0)
    return ClockState(
        started_at=started_at,
        elapsed_minutes=max(elapsed, 0.0),
        paused=row is not None and row.paused_at is not None,
        pause_reason=row.pause_reason if row else None,
        done=is_done(session, agent.id, playbook),
    )


def _row(session: Session, agent: Person, playbook: Playbook, now: datetime) -> AhipClock:
    row = clock_of(session, agent.id, playbook.ahip_clock.carrier)
    if row is None:
        row = AhipClock(
            person_id=agent.id, carrier_key=playbook.ahip_clock.carrier, paused_minutes=0, updated_at=now
        )
        session.add(row)
    return row


def start_if_first(session: Session, agent: Person, carrier: str, playbook: Playbook, now: datetime) -> None:
    """The agent's first `/progress` of a thing a clock times starts that clock when it starts at
    the first report (the AHIP clock's `starts: first_progress` among them)."""
    for clock in playbook.clocks():
        if clock.starts != "first_report" or carrier.lower() not in clock.times:
            continue
        row = clock_of(session, agent.id, clock.key)
        if row is None:
            row = AhipClock(person_id=agent.id, carrier_key=clock.key, paused_minutes=0, updated_at=now)
            session.add(row)
        if row.started_at is None:
            row.started_at, row.updated_at = now, now
            session.flush()


# -- pause and resume ----------------------------------------------------------------------------------
@use_case
def pause_clock(work: Work, agent_user_id: str, reason: str) -> ClockChanged:
    """/progress @agent pause REASON: the AHIP clock stops for a documented reason."""
    reason = require_length(reason, NOTE, "The reason")
    if not reason:
        raise InvalidInput(
            "Give the reason: `/progress @agent pause N-Number arrived on day 2`. Nothing changed."
        )
    return _change(work, agent_user_id, reason)


@use_case
def resume_clock(work: Work, agent_user_id: str) -> ClockChanged:
    """/progress @agent resume: the paused AHIP clock runs again."""
    return _change(work, agent_user_id, None)


def _change(work: Work, agent_user_id: str, reason: str | None) -> ClockChanged:
    session, playbook, now = work.session, work.playbook, work.now
    agent = people.require_agent(session, agent_user_id)
    actor = work.allow(Action.AHIP_CLOCK_PAUSE, access.agent_target(session, agent))
    if not playbook.ahip_clock.enabled:
        raise InvalidInput("The playbook has no AHIP clock; nothing changed.")
    people.lock(session, agent)
    enrollment = cohorts.enrollment_of(session, agent.id)
    if enrollment is None:
        raise InvalidInput(f"{escape_line(agent.name)} is not an agent in an active cohort. Nothing changed.")
    row = _row(session, agent, playbook, now)
    cohort = enrollment.cohort
    if reason is not None:
        if row.paused_at is not None:
            raise Conflict(
                f"{escape_line(agent.name)}'s AHIP clock is already paused ({row.pause_reason}). Nothing changed."
            )
        row.paused_at, row.pause_reason = now, reason
    else:
        if row.paused_at is None:
            raise Conflict(f"{escape_line(agent.name)}'s AHIP clock is not paused. Nothing changed.")
        spans = schedule_spans(days_of(cohort, playbook))
        row.paused_minutes += round(training_minutes(spans, row.paused_at, now))
        row.paused_at, row.pause_reason = None, None
    row.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="ahip_clock.paused" if reason is not None else "ahip_clock.resumed",
        entity="ahip_clock",
        entity_id=row.id,
        at=now,
        details={"person_id": agent.id, "reason": reason},
    )
    clock = state(session, cohort, agent, playbook, now)
    return ClockChanged(agent.name, reason is not None, round(clock.elapsed_minutes / 60, 1), reason)
