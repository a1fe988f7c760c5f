"""What the tracking forms hand out: what a form opens with, what a submission saved, and the
TL's evening checklist. Plain data: the service builds it, the Block Kit builders render it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.certs.types import FailureResult
from bot.red_flags.types import FlagCard


@dataclass
class FormContext:
    """What a form modal needs besides its kind; everything optional is filled when known."""

    carriers: list[tuple[str, str]]
    proof: dict[str, str] = field(default_factory=dict)  # carrier key -> confirmation text
    ticket_statuses: list[str] = field(default_factory=list)
    agent: str | None = None  # Slack user ID preselected
    n_number: str | None = None
    today: date | None = None
    carrier: str | None = None
    calls: list[str] = field(default_factory=list)  # Call Certification: each call's type, in order
    first_call_live: bool = True


@dataclass
class Submitted:
    submission_id: int
    kind: str
    person_id: int
    agent_name: str
    summary: str
    esp_changes: list[str] = field(default_factory=list)
    failure: FailureResult | None = None
    tracker_line: str = ""  # every item's status after the submission


@dataclass(frozen=True)
class Checklist:
    cohort_name: str
    day: int
    date_text: str
    missing_forms: list[tuple[str, list[str]]] = field(default_factory=list)  # (agent, form labels)
    stale_tracker: list[str] = field(default_factory=list)  # agent names
    open_flags: list[FlagCard] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return not (self.missing_forms or self.stale_tracker or self.open_flags)
