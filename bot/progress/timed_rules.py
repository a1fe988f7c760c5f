"""One engine for every timed rule of the guides (`Playbook.clocks()`: the AHIP clock, then the
playbook's `timed_rules.clocks`).

A clock times one or more things (a timeframe.steps carrier, done when all its steps are reported,
or a tracker item, done when complete). It starts at the class's first training hour, at the
agent's first report of a thing it times, when a certifier connects (the Call Cert item leaves
"not started"), or on a date; it counts training hours (bot/progress/ahip_clock.py's spans, less
the time the TL had it paused) or business days on the class calendar. At each mark passed while
not done, the TL gets one DM (stable key) proposing the mark's step, with the coaching form ready.

A start seen on the tracker is stored in the clock's row the first time a check sees it, so a
later change of the item (blocked, say) does not move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.calendar import class_days
from bot.calendar.class_calendar import ClassCalendar
from bot.calendar.dayplan import DayTimes, at
from bot.coaching.service import level_label
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core.timefmt import local
from bot.core.unit_of_work import Work
from bot.progress import ahip_clock, blocks
from bot.progress.ahip_clock import Span, moment_after, schedule_spans, training_minutes
from bot.progress.playbook import TimedClock, TimedMark
from bot.progress.steps import done_steps_of, steps_of
from db.models import AhipClock, Cohort, EspItem, Person

NOT_STARTED, COMPLETE = "not_started", "complete"  # the tracker's words (bot/esp_tracker)


@dataclass(frozen=True)
class Timed:
    """One agent on one clock: when it started, how far it is (in the clock's unit), whether it is
    paused or done, and when each mark falls (None: paused, not started, or past the horizon)."""

    clock: TimedClock
    started_at: datetime | None
    elapsed: float
    paused: bool
    done: bool
    moments: dict[float, datetime | None]

    def passed(self) -> list[TimedMark]:
        if self.done or self.started_at is None:
            return []
        return [m for m in self.clock.marks if self.elapsed + 1e-6 >= m.after]


@dataclass(frozen=True)
class Frame:
    """What every clock of one class reads: the training spans and the business days ahead."""

    spans: list[Span]
    cohort: Cohort
    playbook: Playbook
    calendar: ClassCalendar


def frame_of(cohort: Cohort, playbook: Playbook, days: list[DayTimes] | None = None) -> Frame:
    days = ahip_clock.days_of(cohort, playbook) if days is None else days
    return Frame(schedule_spans(days), cohort, playbook, class_days.calendar_of(cohort, playbook))


# -- what is done, when it started ------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    """What the clocks read of one agent: their tracker items, their steps done, their clock rows."""

    items: dict[str, EspItem]
    done: set[str]
    rows: dict[str, AhipClock]


def facts_of(session: Session, person_ids: list[int], playbook: Playbook) -> dict[int, Facts]:
    """Facts for many agents in three queries (the plan reads every agent of a class)."""
    items: dict[int, dict[str, EspItem]] = {pid: {} for pid in person_ids}
    rows: dict[int, dict[str, AhipClock]] = {pid: {} for pid in person_ids}
    if person_ids:
        for item in session.scalars(select(EspItem).where(EspItem.person_id.in_(person_ids))):
            items[item.person_id][item.item] = item
        for row in session.scalars(select(AhipClock).where(AhipClock.person_id.in_(person_ids))):
            rows[row.person_id][row.carrier_key] = row
    done = done_steps_of(session, person_ids, playbook)
    return {pid: Facts(items[pid], done[pid], rows[pid]) for pid in person_ids}


def is_done(facts: Facts, clock: TimedClock, playbook: Playbook) -> bool:
    done, items = facts.done, facts.items
    for thing in clock.times:
        steps = {f"{thing} {s.key}" for s in steps_of(playbook, thing)}
        item = items.get(thing)
        if not ((steps and steps <= done) or (item is not None and item.status == COMPLETE)):
            return False
    return True


def seen_start(facts: Facts, clock: TimedClock) -> datetime | None:
    """A start the tracker shows: the first of the timed items that left "not started" (the Call
    Cert item alone when a certifier connecting starts the clock)."""
    if clock.starts not in ("first_report", "certifier_connects"):
        return None
    wanted = ["callcert"] if clock.starts == "certifier_connects" else clock.times
    items = facts.items
    moments = [items[t].changed_at for t in wanted if t in items and items[t].status != NOT_STARTED]
    return min(moments) if moments else None


def started_at(
    frame: Frame, clock: TimedClock, row: AhipClock | None, seen: datetime | None
) -> datetime | None:
    if clock.starts == "class_start":
        return frame.spans[0][0] if frame.spans else None
    if clock.starts == "date":
        assert clock.start_date is not None
        first = at(clock.start_date, frame.playbook.day.day_start, frame.cohort.timezone)
        if clock.counts == "business_days":
            return first
        return next((max(a, first) for a, b in frame.spans if b > first), None)
    if row is not None and row.started_at is not None:
        return row.started_at
    return seen


# -- counting -----------------------------------------------------------------------------------------
def _business_moment(frame: Frame, start: datetime, days: float) -> datetime | None:
    """`days` business days after `start`: the same time of day that many open days later (a half
    day adds half of the next open day's 24 hours)."""
    calendar = frame.calendar
    tz = frame.cohort.timezone
    begin = local(start, tz)
    whole, part = int(days), days - int(days)
    day, counted = begin.date(), 0
    for _ in range(366 * 2):
        if counted == whole + (1 if part else 0):
            break
        day += timedelta(days=1)
        if calendar.is_open(day):
            counted += 1
    else:
        return None
    wall = begin.timetz().replace(tzinfo=None)
    moment = at(day, wall, tz)
    return moment - timedelta(days=1 - part) if part else moment


def _business_elapsed(frame: Frame, start: datetime, now: datetime, clock: TimedClock) -> float:
    """The largest mark (or none) whose moment has come: business days are counted at the marks."""
    elapsed = 0.0
    for mark in clock.marks:
        moment = _business_moment(frame, start, mark.after)
        if moment is not None and moment <= now:
            elapsed = mark.after
    return elapsed


def _ceil_minute(moment: datetime) -> datetime:
    floor = moment.replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


def timed(facts: Facts, frame: Frame, clock: TimedClock, now: datetime) -> Timed:
    row = facts.rows.get(clock.key)
    start = started_at(frame, clock, row, seen_start(facts, clock))
    paused = row is not None and row.paused_at is not None
    paused_minutes = row.paused_minutes if row is not None else 0
    moments: dict[float, datetime | None] = {m.after: None for m in clock.marks}
    elapsed = 0.0
    if start is not None:
        if clock.counts == "training_hours":
            until = row.paused_at if row is not None and row.paused_at is not None else now
            elapsed = max(training_minutes(frame.spans, start, until) - paused_minutes, 0.0) / 60
            if not paused:
                for mark in clock.marks:
                    when = moment_after(frame.spans, start, mark.after * 60 + paused_minutes)
                    moments[mark.after] = _ceil_minute(when) if when is not None else None
        else:
            elapsed = _business_elapsed(frame, start, now, clock)
            for mark in clock.marks:
                when = _business_moment(frame, start, mark.after)
                moments[mark.after] = _ceil_minute(when) if when is not None else None
    return Timed(
        clock=clock,
        started_at=start,
        elapsed=elapsed,
        paused=paused,
        done=is_done(facts, clock, frame.playbook),
        moments=moments,
    )


# -- marks ----------------------------------------------------------------------------------------------
def mark_key(person_id: int, clock: TimedClock, mark: TimedMark, playbook: Playbook) -> str:
    # The AHIP clock keeps the key its DMs always had, so a mark sent before is never sent again.
    if playbook.ahip_clock.enabled and clock.key == playbook.ahip_clock.carrier:
        return f"ahipclock:{person_id}:{mark.after:g}"
    return f"clock:{clock.key}:{person_id}:{mark.after:g}"


def _remember_start(
    session: Session, agent: Person, clock: TimedClock, state: Timed, facts: Facts, now: datetime
) -> None:
    if clock.starts not in ("first_report", "certifier_connects") or state.started_at is None:
        return
    row = facts.rows.get(clock.key)
    if row is not None and row.started_at is not None:
        return
    if row is None:
        row = AhipClock(person_id=agent.id, carrier_key=clock.key, paused_minutes=0, updated_at=now)
        session.add(row)
        facts.rows[clock.key] = row
    row.started_at, row.updated_at = state.started_at, now
    session.flush()


def notify_marks(work: Work, cohort: Cohort) -> None:
    """Every mark each unfinished agent has passed on each clock, for the TL once per agent and mark."""
    session, playbook, now = work.session, work.playbook, work.now
    clocks = playbook.clocks()
    if not clocks:
        return
    frame = frame_of(cohort, playbook)
    agents = cohorts.active_agents(session, cohort.id)
    facts = facts_of(session, [a.id for a in agents], playbook)
    for agent in agents:
        for clock in clocks:
            state = timed(facts[agent.id], frame, clock, now)
            _remember_start(session, agent, clock, state, facts[agent.id], now)
            pausable = playbook.ahip_clock.enabled and clock.key == playbook.ahip_clock.carrier
            for mark in state.passed():
                label = level_label(playbook, mark.step) if mark.step else None
                work.notify(
                    key=mark_key(agent.id, clock, mark, playbook),
                    kind="timed_mark",
                    recipient=cohort.tl.slack_user_id,
                    text=blocks.timed_mark_text(
                        agent.name, clock.label, mark.after, clock.unit, label, clock.limit
                    ),
                    blocks=blocks.timed_mark_blocks(
                        agent.name,
                        agent.slack_user_id,
                        what=clock.label,
                        after=mark.after,
                        unit=clock.unit,
                        limit=clock.limit,
                        policy=clock.policy,
                        level=mark.step,
                        label=label,
                        pausable=pausable,
                    ),
                )


# -- when the day plan checks --------------------------------------------------------------------------
def check_times(cohort: Cohort, playbook: Playbook) -> list[datetime]:
    """Each break's start and each day's end (training time stops there; a start first seen on the
    tracker is noticed there), and the moment each mark falls for each agent: from the class's
    start, from a start already seen, and after each pause (its minutes push the marks on)."""
    clocks = playbook.clocks()
    if not clocks:
        return []
    days = ahip_clock.days_of(cohort, playbook)
    frame = frame_of(cohort, playbook, days)
    moments = {b.start for d in days for b in d.breaks} | {d.end for d in days}
    session = object_session(cohort)
    agents = cohorts.active_agents(session, cohort.id) if session is not None else []
    facts = facts_of(session, [a.id for a in agents], playbook) if session is not None else {}
    for clock in clocks:
        if clock.starts in ("class_start", "date"):
            start = started_at(frame, clock, None, None)
            if start is not None:
                stub = _stub_moments(frame, clock, start)
                moments |= {m for m in stub if m is not None}
        if session is None:
            continue
        for agent in agents:
            state = timed(facts[agent.id], frame, clock, _far_past(frame))
            if not state.done:
                moments |= {m for m in state.moments.values() if m is not None}
    return sorted(moments)


def _stub_moments(frame: Frame, clock: TimedClock, start: datetime) -> list[datetime | None]:
    if clock.counts == "training_hours":
        found = [moment_after(frame.spans, start, m.after * 60) for m in clock.marks]
    else:
        found = [_business_moment(frame, start, m.after) for m in clock.marks]
    return [_ceil_minute(m) if m is not None else None for m in found]


def _far_past(frame: Frame) -> datetime:
    # Moments do not depend on `now`; only elapsed does, which the plan does not read.
    return frame.spans[0][0] if frame.spans else datetime(1970, 1, 1, tzinfo=UTC)
