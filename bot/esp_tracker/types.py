"""What the ESP tracker hands out: an agent's tracker, the class's, what an update changed, and
an agent moved to production.
Plain data: the service builds it, the Block Kit builders render it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TrackerRow:
    label: str
    emoji: str
    status: str
    changed: str | None  # "by Tess Lead, Tue Dec 1, 3:10 PM CST"


@dataclass(frozen=True)
class Tracker:
    agent_name: str
    cohort_name: str | None
    rows: list[TrackerRow]
    complete: bool
    open_flags: list[str]


@dataclass(frozen=True)
class ClassTracker:
    cohort_name: str
    labels: list[str]
    # agent name, and per item (emoji, item label, status in words): a status is never a glyph alone
    rows: list[tuple[str, list[tuple[str, str, str]]]]


@dataclass(frozen=True)
class TrackerUpdated:
    changed: list[str]  # "Aetna complete", ...
    tracker: Tracker


@dataclass(frozen=True)
class MoveResult:
    agent_name: str
    cohort_name: str
    moved_by: str
    moved_at: datetime
    already: bool
    reader_tz: str | None  # the presser's zone, to show the time in
    class_tz: str


@dataclass(frozen=True)
class ItemsCompleted:
    """Items of an agent's tracker moved to complete (an exam passed, for one)."""

    person_id: int
    items: list[str]
