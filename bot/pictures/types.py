"""What the pictures show, as plain data: the facts gathered from the records (the inputs of the
pure view-model functions in bot/pictures/views.py) and the view models the renderer draws."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# The funnel's stages, in order: how far an agent has come.
STAGES: tuple[str, ...] = (
    "Enrolled",
    "AHIP modules",
    "AHIP final",
    "Aetna",
    "TBT",
    "Call Cert",
    "ESP-complete",
    "Production",
)


# -- facts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgentStages:
    """When an agent reached each stage (None: not yet), by stage name."""

    name: str
    reached: dict[str, datetime | None]


@dataclass(frozen=True)
class ClassStages:
    name: str
    # The end of each class day begun so far (UTC), with its label ("Day 1"...), then "Now" when
    # the class has ended: the moments the funnel is counted at.
    cutoffs: list[tuple[str, datetime]]
    agents: list[AgentStages]


@dataclass(frozen=True)
class AgentDays:
    """An agent's attendance code per class day held (day -> code key), and the days with an MIA
    nobody excused or cleared."""

    name: str
    codes: dict[int, str]
    mia_days: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ExamOutcome:
    """One agent's result on one exam in one class: passed at all, and failed attempts first."""

    class_name: str
    tl_name: str
    exam: str  # the exam's name ("AHIP")
    passed: bool
    failed_attempts: int


# -- view models ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class FunnelRow:
    class_name: str
    moment: str  # "Day 1", ..., "Now"
    enrolled: int
    counts: tuple[int, ...]  # one per stage, in STAGES order


@dataclass(frozen=True)
class Funnel:
    stages: tuple[str, ...]
    rows: list[FunnelRow]


@dataclass(frozen=True)
class AttendanceCell:
    letter: str  # what the cell says, so colour is never the only cue
    code: str  # the code's key ("" for a day not recorded)
    mia: bool


@dataclass(frozen=True)
class AttendanceMap:
    class_name: str
    days: list[int]
    agents: list[str]
    cells: list[list[AttendanceCell]]  # one row per agent, one cell per day
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (letter, code key, label)


@dataclass(frozen=True)
class Rate:
    label: str
    first_try: int
    attempted: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.first_try / self.attempted if self.attempted else None


@dataclass(frozen=True)
class PassRates:
    classes: list[str]
    by_exam: list[Rate]
    by_tl: list[Rate]


@dataclass(frozen=True)
class Picture:
    """A rendered picture: the file's name, its PNG bytes, its title and its alt text."""

    filename: str
    png: bytes
    title: str
    alt_text: str
