"""What progress hands out: a reported step, the /progress form, the class's progress, a changed
AHIP clock. Plain data: the services build it, the Block Kit builders and the listeners render it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressSaved:
    agent_name: str
    label: str
    next_step: str
    own: bool


@dataclass(frozen=True)
class ProgressForm:
    """The steps an agent can report (key, label), and the next one to preselect."""

    steps: list[tuple[str, str]]
    upcoming: str | None


@dataclass(frozen=True)
class ClassProgress:
    cohort_name: str
    rows: list[tuple[str, str, str]]  # agent, where they are, what is missing for the pace
    day: int | None


@dataclass(frozen=True)
class ClockChanged:
    agent_name: str
    paused: bool
    elapsed_hours: float
    reason: str | None
