"""A day's attendance as text: the table's title and one line per agent (code, check-in, marks,
and what GoTo Training saw). The class day's tables and GoTo Training's end-of-day table, sent
again once the attendee report is in, read the same."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.calendar.dayplan import DayTimes
from bot.class_day.types import AgentDay
from bot.core.text import escape_line
from bot.core.timefmt import clock_time, local, time_for

END_OF_DAY_NOTE = (
    "Proposed codes from what I saw. Change one with "
    "`/attendance set @agent DAY CODE reason` in the class channel."
)


def end_of_day_text(cohort_name: str, day: DayTimes) -> str:
    return f"End of day {day.number} of {escape_line(cohort_name)}: attendance"


def title(cohort_name: str, day: DayTimes) -> str:
    return f"Attendance – {cohort_name}, day {day.number}"


def _t(moment: datetime, timezone: str, reader: str | None = None) -> str:
    """The time as the DM's reader reads it (the class's time beside theirs when they differ)."""
    return time_for(moment, reader, timezone) if reader else clock_time(local(moment, timezone).time())


def breaks_text(day: DayTimes, numbers: Sequence[int]) -> str:
    return ", ".join(day.break_no(n).label.lower() if n <= len(day.breaks) else f"break {n}" for n in numbers)


def lines(rows: Sequence[AgentDay], day: DayTimes, reader: str | None = None) -> list[str]:
    return [row_line(r, day, reader) for r in rows] or ["No agents enrolled."]


def row_line(row: AgentDay, day: DayTimes, reader: str | None = None) -> str:
    timezone = day.timezone
    parts = [f"*{escape_line(row.name)}*: {row.code_label}" + (" _(set by TL)_" if row.chosen else "")]
    if row.checkin_at:
        parts.append(
            f"checked in {_t(row.checkin_at, timezone, reader)}" + (" (late)" if row.checkin_late else "")
        )
    else:
        parts.append("no check-in")
    if row.tardy:
        parts.append("tardy")
    if row.absent:
        parts.append("absent at first break")
    if row.mia_breaks:
        parts.append("MIA at " + breaks_text(day, row.mia_breaks))
    if row.cleared_mia_breaks:
        parts.append("MIA cleared at " + breaks_text(day, row.cleared_mia_breaks))
    if row.g2t_minutes is not None:
        parts.append(_g2t(row, day))
    return " · ".join(parts)


def _g2t(row: AgentDay, day: DayTimes) -> str:
    """What the GoTo Training report says: minutes in the session and when."""
    tz = day.timezone
    if not row.g2t_minutes or row.g2t_first_join is None or row.g2t_last_leave is None:
        return "G2T: not in the session"
    text = f"G2T: {row.g2t_minutes // 60} h {row.g2t_minutes % 60:02d} min"
    text += f" ({_t(row.g2t_first_join, tz)}–{_t(row.g2t_last_leave, tz)})"
    if row.g2t_gaps:
        text += ", away " + ", ".join(f"{_t(s, tz)}–{_t(e, tz)}" for s, e in row.g2t_gaps)
    for number, away in sorted(row.g2t_mia_away.items()):
        label = breaks_text(day, [number])
        text += f"; {'away at' if away else 'in the session at'} {label}: MIA {'confirmed' if away else 'questioned'}"
    return text
