"""A training day's times as text: the day and its breaks, in the reader's zone when a DM has one
(with the class's beside it when they differ), else in the class's. The class day's morning post
and the G2T link DM both show them."""

from __future__ import annotations

from datetime import datetime

from bot.calendar.dayplan import DayTimes
from bot.core.timefmt import clock_time, differs, local, show_date, span_for


def _t(moment: datetime, timezone: str) -> str:
    return clock_time(local(moment, timezone).time())


def _zone(day: DayTimes) -> str:
    return local(day.start, day.timezone).tzname() or day.timezone


def day_times_lines(day: DayTimes, reader: str | None = None) -> list[str]:
    """The day's times; for a DM, in the reader's zone with the class's beside them when they differ."""
    if differs(day.start, reader, day.timezone):
        lines = [f"*{show_date(day.date)}*: {span_for(day.start, day.end, reader, day.timezone)}"]
        for spot in day.breaks:
            span = span_for(spot.start, spot.end, reader, day.timezone)
            lines.append(f"• {spot.label}: {span} ({spot.minutes} min)")
        return lines
    lines = [
        f"*{show_date(day.date)}*: {_t(day.start, day.timezone)} – {_t(day.end, day.timezone)} {_zone(day)}"
    ]
    for spot in day.breaks:
        what = spot.label
        lines.append(
            f"• {what}: {_t(spot.start, day.timezone)} – {_t(spot.end, day.timezone)} ({spot.minutes} min)"
        )
    return lines
