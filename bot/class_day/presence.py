"""Real presence in a training day from GoTo's inSessionTimes, and the code it points to.

Pure: the day's times and the (join, leave) parts in, minutes and gaps out. Parts are clipped to
the day and merged (GoTo lists a reconnect as a new part that may overlap the last one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.calendar.dayplan import DayTimes
from bot.class_day.playbook import AttendancePolicy

Span = tuple[datetime, datetime]


class Graces(Protocol):
    """How late a join or how early a leave still counts as on time, in minutes: GoTo Training's
    section of the playbook has them (a later feature's, so the class day asks only for the numbers)."""

    @property
    def join_grace_minutes(self) -> int: ...
    @property
    def leave_grace_minutes(self) -> int: ...


@dataclass(frozen=True)
class Presence:
    first_join: datetime | None
    last_leave: datetime | None
    minutes: int  # in the session during the day
    missed_minutes: int  # away from class time (the breaks do not count)
    gaps: list[Span] = field(default_factory=list)  # away mid-day, outside breaks, longer than N min


def _merge(spans: Sequence[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _minus(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """`spans` with the parts inside `holes` cut out."""
    result = list(spans)
    for h_start, h_end in holes:
        cut: list[Span] = []
        for start, end in result:
            if end <= h_start or start >= h_end:
                cut.append((start, end))
                continue
            if start < h_start:
                cut.append((start, h_start))
            if end > h_end:
                cut.append((h_end, end))
        result = cut
    return result


def _minutes(spans: Sequence[Span]) -> int:
    return int(sum((end - start for start, end in spans), timedelta()).total_seconds() // 60)


def presence(day: DayTimes, parts: Sequence[Span], gap_minutes: int) -> Presence:
    clipped = [(max(s, day.start), min(e, day.end)) for s, e in parts if e > day.start and s < day.end]
    merged = _merge([(s, e) for s, e in clipped if e > s])
    breaks = [(b.start, b.end) for b in day.breaks]
    away = _minus([(day.start, day.end)], merged)
    if not merged:
        return Presence(None, None, 0, _minutes(_minus(away, breaks)), [])
    inside = [(s, e) for s, e in away if s >= merged[0][0] and e <= merged[-1][1]]
    gaps = [g for g in _minus(inside, breaks) if g[1] - g[0] > timedelta(minutes=gap_minutes)]
    return Presence(
        first_join=min(s for s, _ in parts),
        last_leave=max(e for _, e in parts),
        minutes=_minutes(merged),
        missed_minutes=_minutes(_minus(away, breaks)),
        gaps=gaps,
    )


def late_minutes(day: DayTimes, p: Presence) -> int:
    if p.first_join is None:
        return 0
    return max(0, int((p.first_join - day.start).total_seconds() // 60))


def early_minutes(day: DayTimes, p: Presence) -> int:
    if p.last_leave is None:
        return 0
    return max(0, int((day.end - p.last_leave).total_seconds() // 60))


def proposed_code(day: DayTimes, p: Presence, attendance: AttendancePolicy, g2t: Graces) -> str | None:
    """The code real presence points to, or None for a full day. The larger of late and early
    decides between Tardy and Left Early."""
    if p.minutes == 0 or p.missed_minutes > attendance.absent_after_missing_hours * 60:
        return "absent_unapproved"
    late = late_minutes(day, p) if late_minutes(day, p) > g2t.join_grace_minutes else 0
    early = early_minutes(day, p) if early_minutes(day, p) > g2t.leave_grace_minutes else 0
    if not late and not early:
        return None
    if late >= early:
        return "tardy_under_1h" if late < attendance.tardy_long_minutes else "tardy_over_1h"
    return "left_early_under_1h" if early < attendance.tardy_long_minutes else "left_early_over_1h"


def away_around(gaps: Sequence[Span], start: datetime, end: datetime, slack: timedelta) -> Span | None:
    """A gap that touches [start - slack, end + slack]: G2T's word on an MIA at that break."""
    return next((g for g in gaps if g[0] <= end + slack and g[1] >= start - slack), None)
