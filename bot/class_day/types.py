"""The class day's view models: what its services return and its Block Kit (and GoTo Training's
end-of-day table) render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.calendar.dayplan import DayTimes


@dataclass
class AgentDay:
    person_id: int
    name: str
    slack_user_id: str
    day: int
    code_key: str
    code_label: str
    chosen: bool = False
    # The code the day has before any MIA is considered (the TL's choice when there is one): the
    # Attendance Policy's points count it and each open MIA separately.
    presence_code: str = "full_day"
    minutes_late: int | None = None  # from the check-in, or GoTo's first join when there is a report
    minutes_early: int | None = None  # from GoTo's last leave
    checkin_at: datetime | None = None
    checkin_late: bool = False
    tardy: bool = False
    absent: bool = False
    mia_breaks: list[int] = field(default_factory=list)
    cleared_mia_breaks: list[int] = field(default_factory=list)
    late_answers: int = 0
    # From the GoTo Training attendee report, when there is one.
    g2t_minutes: int | None = None
    g2t_first_join: datetime | None = None
    g2t_last_leave: datetime | None = None
    g2t_gaps: list[tuple[datetime, datetime]] = field(default_factory=list)
    # MIA break -> whether G2T shows the agent away around it (True confirms, False questions).
    g2t_mia_away: dict[int, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassDay:
    cohort_name: str
    day: DayTimes
    rows: list[AgentDay]


@dataclass(frozen=True)
class AgentDays:
    cohort_name: str
    name: str
    days: list[tuple[DayTimes, AgentDay]]


@dataclass(frozen=True)
class MiaForm:
    flag_id: int
    decision: str
    agent_name: str


@dataclass(frozen=True)
class MiaResolved:
    decision: str
    agent_name: str
    day: int
    break_no: int
    reason: str


@dataclass(frozen=True)
class MarkNotice:
    """A tardy or MIA mark as its agent and their TL read it."""

    flag_id: int
    kind: str  # tardy | mia
    agent_name: str
    cohort_name: str
    day: DayTimes
    break_no: int = 0


@dataclass(frozen=True)
class ClaimAnswer:
    """What the agent's "I was there", or the TL's decision on it, came to."""

    outcome: str  # claimed | already_claimed | already_resolved | accepted | kept | already_decided
    notice: MarkNotice
    by: str | None = None  # who decided or resolved it, for the words
