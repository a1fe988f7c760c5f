"""A cohort's training days on its calendar: the playbook's holidays and closed dates, the
cohort's own skip dates, and the days already held (which keep their dates whatever is added later).

Every caller that counts training days (the plan, attendance, pace, the window, the evening check,
the reports) gets them from `days_of`, so they all count the same way.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.calendar.class_calendar import ClassCalendar
from bot.calendar.dayplan import DayTimes, training_days
from bot.calendar.playbook import DaySchedule
from bot.config.playbook import Playbook
from bot.core.errors import NotFound
from bot.core.text import escape_line
from bot.core.timefmt import local
from db.models import Cohort, DayPrompt
from db.models.day_prompt import MORNING


def schedule_of(cohort: Cohort, playbook: Playbook) -> DaySchedule:
    """The cohort's own day schedule, else the playbook's."""
    if cohort.schedule:
        return DaySchedule.model_validate(cohort.schedule)
    return playbook.day


def calendar_of(cohort: Cohort, playbook: Playbook) -> ClassCalendar:
    policy = playbook.calendar
    closed = {c.date: c.name for c in policy.closed}
    for entry in cohort.skip_dates or []:
        closed.setdefault(date.fromisoformat(entry["date"]), entry.get("name") or "Skipped")
    return ClassCalendar(policy.country, policy.subdivision, closed)


def held_dates_of_classes(session: Session, classes: list[Cohort]) -> dict[int, dict[int, date]]:
    """held_dates for many classes from one query: cohort id -> {day: date}."""
    zones = {c.id: c.timezone for c in classes}
    found: dict[int, dict[int, date]] = {c.id: {} for c in classes}
    if classes:
        rows = session.execute(
            select(DayPrompt.cohort_id, DayPrompt.day, DayPrompt.posted_at).where(
                DayPrompt.cohort_id.in_(list(zones)), DayPrompt.kind == MORNING
            )
        )
        for cohort_id, day, posted_at in rows:
            found[cohort_id][day] = local(posted_at, zones[cohort_id]).date()
    return found


def held_dates(session: Session, cohort: Cohort) -> dict[int, date]:
    """Days whose morning post went out, with the date (class timezone) they were held on."""
    rows = session.execute(
        select(DayPrompt.day, DayPrompt.posted_at).where(
            DayPrompt.cohort_id == cohort.id, DayPrompt.kind == MORNING
        )
    )
    return {day: local(posted_at, cohort.timezone).date() for day, posted_at in rows}


def days_of(
    cohort: Cohort,
    playbook: Playbook,
    session: Session | None = None,
    held: dict[int, date] | None = None,
    count: int | None = None,
) -> list[DayTimes]:
    """`held`: the days already held, when the caller read them for many classes at once.
    `count`: training days to plan past the class's own (the AHIP clock's horizon)."""
    if held is None:
        session = session or (object_session(cohort) if cohort.id is not None else None)
        held = held_dates(session, cohort) if session is not None else {}
    return training_days(
        cohort.start_date,
        count or cohort.days,
        cohort.timezone,
        schedule_of(cohort, playbook),
        calendar_of(cohort, playbook),
        held,
    )


def dates_of(cohort: Cohort, playbook: Playbook) -> list[date]:
    return [d.date for d in days_of(cohort, playbook)]


def skipped(cohort: Cohort, playbook: Playbook) -> list[tuple[date, str]]:
    """The weekdays between the class's first and last day that it does not meet, and why."""
    dates = dates_of(cohort, playbook)
    if not dates:
        return []
    return calendar_of(cohort, playbook).skipped_between(cohort.start_date, dates[-1])


def day_window(cohort: Cohort, playbook: Playbook, day: int) -> tuple[datetime, datetime]:
    """Midnight to midnight of training day `day`, in the class's timezone."""
    days = days_of(cohort, playbook)
    if not 1 <= day <= len(days):
        raise NotFound(f"{escape_line(cohort.name)} has no day {day}.")
    zone = ZoneInfo(cohort.timezone)
    when = days[day - 1].date
    return datetime.combine(when, time(0), zone), datetime.combine(when + timedelta(days=1), time(0), zone)
