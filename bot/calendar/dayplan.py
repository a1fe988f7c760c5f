"""When each moment of a cohort's training days falls, in UTC, planned in the cohort's timezone.

Pure: a cohort's start date, length, timezone and schedule in, aware UTC datetimes out. Training
days are the days its calendar has open (weekends, holidays and closed dates are skipped; a start
on a closed day moves to the next open one). Days already held keep their dates, so a holiday added
later moves only the days still to come. Wall-clock
times are combined with the zone on each date, so a daylight-saving change between days moves
the UTC times and not the class's clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.calendar.class_calendar import WEEKENDS_ONLY, ClassCalendar
from bot.calendar.playbook import DaySchedule


class Windows(Protocol):
    """How long the day's answers stay open, in minutes: the class day's attendance section of the
    playbook has them (a later feature's, so the calendar asks only for the numbers)."""

    @property
    def checkin_grace_minutes(self) -> int: ...
    @property
    def raise_lead_minutes(self) -> int: ...
    @property
    def raise_grace_minutes(self) -> int: ...
    @property
    def lower_grace_minutes(self) -> int: ...


@dataclass(frozen=True)
class BreakTimes:
    number: int  # 1-based, in time order
    start: datetime
    end: datetime
    lunch: bool
    local_start: time
    minutes: int
    label: str = ""  # "Lunch", or "Break N" counting breaks only, as the class says it

    def raise_at(self, policy: Windows) -> datetime:
        return self.start - timedelta(minutes=policy.raise_lead_minutes)

    def raise_closes(self, policy: Windows) -> datetime:
        return self.start + timedelta(minutes=policy.raise_grace_minutes)

    def lower_closes(self, policy: Windows) -> datetime:
        return self.end + timedelta(minutes=policy.lower_grace_minutes)


@dataclass(frozen=True)
class DayTimes:
    number: int  # 1-based training day
    date: date
    timezone: str
    start: datetime
    end: datetime
    breaks: tuple[BreakTimes, ...]

    def checkin_closes(self, policy: Windows) -> datetime:
        return self.start + timedelta(minutes=policy.checkin_grace_minutes)

    def absent_at(self) -> datetime:
        """An agent still not checked in at the first break is absent (at day end without breaks)."""
        return self.breaks[0].start if self.breaks else self.end

    def break_no(self, number: int) -> BreakTimes:
        return self.breaks[number - 1]


def business_days(
    start: date,
    count: int,
    calendar: ClassCalendar = WEEKENDS_ONLY,
    held: Mapping[int, date] | None = None,
) -> list[date]:
    """The dates of training days 1..count. `held` maps a day already held to its date: it stays
    there, and the days after it follow the next open dates."""
    held = held or {}
    days: list[date] = []
    current = start
    for number in range(1, count + 1):
        if number in held:
            day = held[number]
        else:
            while not calendar.is_open(current):
                current += timedelta(days=1)
            day = current
        days.append(day)
        current = max(current, day + timedelta(days=1))
    return days


def at(day: date, wall: time, timezone: str) -> datetime:
    return datetime.combine(day, wall, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def training_days(
    start_date: date,
    days: int,
    timezone: str,
    schedule: DaySchedule,
    calendar: ClassCalendar = WEEKENDS_ONLY,
    held: Mapping[int, date] | None = None,
) -> list[DayTimes]:
    result = []
    ordered = sorted(schedule.breaks, key=lambda b: b.start)
    for number, day in enumerate(business_days(start_date, days, calendar, held), start=1):
        breaks = []
        short_breaks = 0
        for index, spec in enumerate(ordered, start=1):
            begins = at(day, spec.start, timezone)
            short_breaks += 0 if spec.lunch else 1
            breaks.append(
                BreakTimes(
                    number=index,
                    start=begins,
                    end=begins + timedelta(minutes=spec.minutes),
                    lunch=spec.lunch,
                    local_start=spec.start,
                    minutes=spec.minutes,
                    label="Lunch" if spec.lunch else f"Break {short_breaks}",
                )
            )
        result.append(
            DayTimes(
                number=number,
                date=day,
                timezone=timezone,
                start=at(day, schedule.day_start, timezone),
                end=at(day, schedule.day_end, timezone),
                breaks=tuple(breaks),
            )
        )
    return result
