"""What the failed-exam record hands out: a recorded attempt, as the DMs and the answer show it."""

from __future__ import annotations

from dataclasses import dataclass, field


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class FailureResult:
    attempt_id: int
    agent_name: str
    agent_slack_id: str
    carrier_key: str
    carrier_name: str
    attempt_no: int
    limit: int
    attempts_left: int
    blocked: bool
    next_step: str
    proposed_level: str  # a coaching level key
    proposed_label: str
    proctor_next: bool
    override: bool
    score: int | None
    note: str | None
    recipients: list[str] = field(default_factory=list)  # Slack IDs to tell: TL, PM, ESP managers
    licensing_team: str | None = None
    blocked_until: str | None = None  # "Jan 1, 2027" when attempts count per year

    @property
    def ordinal(self) -> str:
        return ordinal(self.attempt_no)
