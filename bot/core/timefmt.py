"""Showing stored UTC times in the cohort's timezone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def clock_time(value: time) -> str:
    """08:00 -> '8:00 AM' (how the class reads times)."""
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def show(moment: datetime, timezone: str) -> str:
    """'Tue Dec 1, 8:00 AM CST'"""
    when = local(moment, timezone)
    return f"{when:%a %b} {when.day}, {clock_time(when.time())} {when.tzname()}"


def show_date(day: date) -> str:
    return f"{day:%a %b} {day.day}, {day.year}"
