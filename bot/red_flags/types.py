"""What red flags hand out: a flag as people read it, what raising one did, the open flags of a
scope. Plain data: the services build it, the Block Kit builders render it (App Home and the
evening check show the same cards)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlagCard:
    """A red flag as people read it; times already in the class's timezone."""

    id: int
    agent_name: str
    agent_id: str
    cohort_name: str
    raised_by: str
    raised_at: str
    description: str
    category: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class Raised:
    card: FlagCard
    told: list[str]


@dataclass(frozen=True)
class OpenFlags:
    scope: str  # "Class A", or "your classes" / "all classes"
    cards: list[FlagCard]
