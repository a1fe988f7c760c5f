"""Showing stored UTC times in the cohort's timezone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.zones import known_zone


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


# -- the reader's own clock -------------------------------------------------------------
def zone_name(moment: datetime, timezone: str) -> str:
    return local(moment, timezone).tzname() or timezone


def differs(moment: datetime, reader_tz: str | None, class_tz: str) -> bool:
    """Whether the reader's wall clock reads differently from the class's at that moment."""
    if not reader_tz or reader_tz == class_tz:
        return False
    try:
        return local(moment, reader_tz).utcoffset() != local(moment, class_tz).utcoffset()
    except (ValueError, KeyError):  # an unknown zone name: the class's clock is the safe reading
        return False


def time_for(moment: datetime, reader_tz: str | None, class_tz: str, *, zone: bool = False) -> str:
    """'6:00 AM PST (8:00 AM CST)' for a reader elsewhere; the class's '8:00 AM' (with ' CST' when
    `zone`) when the two clocks agree, so a DM reads as it always did for people in the class's zone."""
    if not differs(moment, reader_tz, class_tz):
        own = clock_time(local(moment, class_tz).time())
        return f"{own} {zone_name(moment, class_tz)}" if zone else own
    assert reader_tz is not None
    theirs = f"{clock_time(local(moment, reader_tz).time())} {zone_name(moment, reader_tz)}"
    return f"{theirs} ({clock_time(local(moment, class_tz).time())} {zone_name(moment, class_tz)})"


def span_for(start: datetime, end: datetime, reader_tz: str | None, class_tz: str) -> str:
    """'6:00 AM – 3:00 PM PST (8:00 AM – 5:00 PM CST)', or the class's '8:00 AM – 5:00 PM CST'."""
    own = f"{clock_time(local(start, class_tz).time())} – {clock_time(local(end, class_tz).time())}"
    if not differs(start, reader_tz, class_tz):
        return f"{own} {zone_name(start, class_tz)}"
    assert reader_tz is not None
    theirs = f"{clock_time(local(start, reader_tz).time())} – {clock_time(local(end, reader_tz).time())}"
    return f"{theirs} {zone_name(start, reader_tz)} ({own} {zone_name(start, class_tz)})"


def show_for(moment: datetime, reader_tz: str | None, class_tz: str) -> str:
    """`show` in the reader's zone, the class's time beside it when the clocks differ."""
    if not differs(moment, reader_tz, class_tz):
        return show(moment, class_tz)
    assert reader_tz is not None
    return f"{show(moment, reader_tz)} ({clock_time(local(moment, class_tz).time())} {zone_name(moment, class_tz)})"


# -- counting days ------------------------------------------------------------------------------
def reader_zone(reader_tz: str | None, fallback: str) -> str:
    """The reader's zone when it is one zoneinfo knows, else `fallback` (the class's)."""
    return known_zone(reader_tz) or fallback


def calendar_days(since: datetime, now: datetime, timezone: str) -> int:
    """Days between the two moments as the reader's calendar counts them: Thursday evening to
    Friday morning is one day, though fewer than 24 hours."""
    return (local(now, timezone).date() - local(since, timezone).date()).days


def days_ago(since: datetime, now: datetime, timezone: str) -> str:
    """ "today", "yesterday", "3 days": how long ago, in calendar days in `timezone`."""
    n = calendar_days(since, now, timezone)
    if n <= 0:
        return "today"
    return "yesterday" if n == 1 else f"{n} days"
