"""The Attendance Policy's points: each occurrence (a tardy, leaving early, an MIA, an absence, an
NCNS) carries the points its code has in the playbook, counted over a rolling window across every
class the agent was in. Excused marks, HR-approved days and occurrences shorter than their code's
`from_minutes` carry none.

One day gives at most one occurrence for how the agent arrived and left (its code: the TL's choice,
else what GoTo or the check-in shows), plus one per open MIA mark. The batch reader serves one
agent (/coach) and a thousand (the Home, the export) with the same few queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import class_days
from bot.calendar.dayplan import DayTimes
from bot.class_day import attendance
from bot.class_day import presence as g2t_presence
from bot.class_day.playbook import ABSENCE_CODES
from bot.class_day.types import AgentDay
from bot.config.playbook import Playbook
from bot.core.timefmt import local, show_date
from db.models import (
    AttendanceCheck,
    AttendanceCodeChoice,
    AttendanceFlag,
    Cohort,
    Enrollment,
    G2TPresence,
    Person,
)
from db.models.attendance_flag import ABSENT, MIA, OPEN, TARDY


@dataclass(frozen=True)
class Occurrence:
    ref: str  # what a coaching's `links` holds
    code: str
    on: date  # the class day, in its class's timezone
    at: datetime  # UTC: the mark's time, or the day's start for the day's code
    text: str  # "Tardy < 1 hour on Tue Dec 1, 2026 (25 min)"
    points: float


@dataclass(frozen=True)
class Points:
    total: float = 0.0
    occurrences: list[Occurrence] = field(default_factory=list)  # those that carry points, oldest first
    window_days: int = 90

    def count(self, code: str) -> int:
        return sum(1 for o in self.occurrences if o.code == code)

    @property
    def summary(self) -> str:
        """ "4 points in the last 90 days" """
        return f"{show_points(self.total)} {plural(self.total)} in the last {self.window_days} days"

    def detail(self, limit: int = 12) -> str:
        """ "4 points in the last 90 days: NCNS on Tue Dec 1, 2026 (2); ..." """
        if not self.occurrences:
            return self.summary
        shown = [f"{o.text} ({show_points(o.points)})" for o in self.occurrences[-limit:]]
        more = len(self.occurrences) - len(shown)
        return f"{self.summary}: " + "; ".join(shown) + (f"; and {more} earlier" if more > 0 else "")


def show_points(value: float) -> str:
    """Points as the policy writes them: ½, 1½, 4."""
    whole, rest = int(value), value - int(value)
    if abs(rest) < 1e-9:
        return str(whole)
    if abs(rest - 0.5) < 1e-9:
        return f"{whole}½" if whole else "½"
    return f"{value:g}"


def plural(value: float) -> str:
    return "point" if 0 < value <= 1 else "points"


def counts_on(day: date, today: date, window_days: int) -> bool:
    """An occurrence counts from its day through `window_days` days later."""
    return 0 <= (today - day).days <= window_days


# -- one agent-day's occurrences --------------------------------------------------------------------
def day_occurrences(
    playbook: Playbook,
    day: DayTimes,
    row: AgentDay,
    flags: list[Any],
    cohort_id: int,
) -> list[Occurrence]:
    """What the day counts: its code (unless excused or too short), then each open MIA mark."""
    policy = playbook.attendance
    found: list[Occurrence] = []
    code_key = row.presence_code
    open_mias = sorted((f for f in flags if f.kind == MIA and f.status == OPEN), key=lambda f: f.break_no)
    kind = ABSENT if code_key == "absent_unapproved" else TARDY if code_key.startswith("tardy") else None
    day_flag = next((f for f in flags if f.kind == kind), None) if kind else None
    day_ref = (
        f"attendance:{day_flag.id}" if day_flag is not None else f"attendance-day:{cohort_id}:{day.number}"
    )
    when = show_date(day.date)
    if code_key == "absent_unapproved" and not row.chosen and row.g2t_minutes is None and day_flag is None:
        # No check-in yet is not an absence until the bot marks it (at the first break) or GoTo's
        # report shows it.
        code_key = "full_day"
    code = policy.code(code_key)
    if code_key == "mia" and not open_mias and code is not None and code.points > 0:
        found.append(Occurrence(day_ref, "mia", day.date, day.start, f"{code.label} on {when}", code.points))
    elif code is not None and code.points > 0 and code_key != "mia":
        minutes = _minutes_of(code_key, row)
        excused = not row.chosen and day_flag is not None and day_flag.status != OPEN
        short = not row.chosen and code.from_minutes and minutes is not None and minutes < code.from_minutes
        if not excused and not short:
            extra = f" ({minutes} min)" if minutes else ""
            found.append(
                Occurrence(
                    day_ref, code_key, day.date, day.start, f"{code.label} on {when}{extra}", code.points
                )
            )
    mia = policy.code("mia")
    if mia is not None and mia.points > 0 and code_key not in ABSENCE_CODES:
        for flag in open_mias:
            away = _away_minutes(playbook, day, row, flag.break_no)
            if mia.from_minutes and away is not None and away < mia.from_minutes:
                continue  # GoTo shows the agent in class around that break, or away only briefly
            extra = f", {away} min away" if away else ""
            found.append(
                Occurrence(
                    f"attendance:{flag.id}",
                    "mia",
                    day.date,
                    flag.flagged_at,
                    f"MIA on {when} after break {flag.break_no}{extra}",
                    mia.points,
                )
            )
    return found


def _minutes_of(code_key: str, row: AgentDay) -> int | None:
    if code_key.startswith("tardy"):
        return row.minutes_late
    if code_key.startswith("left_early"):
        return row.minutes_early
    return None


def _away_minutes(playbook: Playbook, day: DayTimes, row: AgentDay, break_no: int) -> int | None:
    """Minutes GoTo shows the agent away around the break, or None without a GoTo report."""
    if row.g2t_minutes is None or not 1 <= break_no <= len(day.breaks):
        return None
    spot = day.break_no(break_no)
    slack = timedelta(minutes=playbook.attendance.lower_grace_minutes)
    gap = g2t_presence.away_around(row.g2t_gaps, spot.start, spot.end, slack)
    if gap is None:
        return 0
    return int((gap[1] - gap[0]).total_seconds() // 60)


# -- many agents at once ---------------------------------------------------------------------------
def points_of(
    session: Session, playbook: Playbook, person_ids: list[int], now: datetime
) -> dict[int, Points]:
    """Each agent's points in the window, across all their classes, from six queries."""
    window = playbook.attendance.points_window_days
    result = {pid: Points(window_days=window) for pid in person_ids}
    if not person_ids:
        return result
    wanted = sorted(set(person_ids))
    pairs = session.execute(
        select(Enrollment.cohort_id, Enrollment.person_id).where(Enrollment.person_id.in_(wanted))
    ).all()
    cohort_ids = sorted({cid for cid, _ in pairs})
    if not cohort_ids:
        return result
    classes = list(session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids))))
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}
    held = class_days.held_dates_of_classes(session, classes)
    rows = {name: _rows(session, model, cohort_ids, wanted) for name, model in _MODELS.items()}
    found: dict[int, list[Occurrence]] = defaultdict(list)
    by_class: dict[int, list[int]] = defaultdict(list)
    for cohort_id, person_id in pairs:
        by_class[cohort_id].append(person_id)
    for cohort in classes:
        today = local(now, cohort.timezone).date()
        days = class_days.days_of(cohort, playbook, held=held.get(cohort.id, {}))
        # A day counts once it was held, or once anything was marked for it.
        marked = {
            key[1] for name in ("flags", "choices", "presence") for key in rows[name] if key[0] == cohort.id
        }
        for number in sorted(set(held.get(cohort.id, {})) | marked):
            if not 1 <= number <= len(days) or not counts_on(days[number - 1].date, today, window):
                continue
            day = days[number - 1]
            for person_id in by_class[cohort.id]:
                key = (cohort.id, day.number, person_id)
                flags = rows["flags"].get(key, [])
                choice = rows["choices"].get(key, [])
                presence = rows["presence"].get(key, [])
                row = attendance.agent_day_from(
                    playbook,
                    day,
                    people[person_id],
                    rows["checks"].get(key, []),
                    flags,
                    choice[0] if choice else None,
                    presence[0] if presence else None,
                )
                found[person_id] += day_occurrences(playbook, day, row, flags, cohort.id)
    for person_id, items in found.items():
        items.sort(key=lambda o: (o.at, o.ref))
        result[person_id] = Points(sum(o.points for o in items), items, window)
    return result


def points_for(session: Session, playbook: Playbook, person_id: int, now: datetime) -> Points:
    return points_of(session, playbook, [person_id], now)[person_id]


_MODELS: dict[str, Any] = {
    "checks": AttendanceCheck,
    "flags": AttendanceFlag,
    "choices": AttendanceCodeChoice,
    "presence": G2TPresence,
}


def _rows(
    session: Session, model: Any, cohort_ids: list[int], person_ids: list[int]
) -> dict[tuple[int, int, int], list[Any]]:
    found: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    stmt = select(model).where(model.cohort_id.in_(cohort_ids), model.person_id.in_(person_ids))
    for row in session.scalars(stmt):
        found[(row.cohort_id, row.day, row.person_id)].append(row)
    return found
