"""What coaching hands out: the /coach form's contents, a saved coaching, an agent's history, the
catch-up form, and the button any feature puts on a message that proposes a coaching. Plain data:
the services build it, the Block Kit builders render it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.core.text import shorten


@dataclass
class CoachForm:
    """What the /coach form shows and starts with."""

    agent_slack_id: str
    agent_name: str
    n_number: str | None
    cohort_name: str | None
    policies: list[tuple[str, str]]  # key, title
    levels: list[tuple[str, str]]  # key, label
    proposals: list[str]  # one line per policy
    records: list[tuple[str, str]]  # ref, text (incidents and earlier coachings, newest first)
    policy: str | None = None
    level: str | None = None
    incident: str | None = None
    links: list[str] = field(default_factory=list)
    skip_note: str | None = None


@dataclass(frozen=True)
class Prefill:
    """What a button fills the /coach form with (a skipped level, a proposed coaching)."""

    policy: str | None = None
    level: str | None = None
    incident: str | None = None
    links: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CoachOpen:
    """What a "Document the coaching" button carries (its action is ids.ACTION_COACH_OPEN): the
    agent and what the /coach form opens filled in with. Whichever feature proposes the coaching
    puts the button on its message; coaching opens the form when it is pressed."""

    agent: str
    policy: str
    level: str
    incident: str = ""
    links: list[str] = field(default_factory=list)

    def value(self) -> str:
        return json.dumps(
            {
                "agent": self.agent,
                "policy": self.policy,
                "level": self.level,
                # A button's value holds at most 2,000 characters; the form shows the rest to fill in.
                "incident": shorten(self.incident, 800),
                "links": self.links[:10],
            },
            ensure_ascii=False,
        )


@dataclass(frozen=True)
class CoachingSaved:
    coaching_id: int
    agent_name: str
    tl: str  # who gets the CAP
    policy_title: str
    level_label: str
    proposed_label: str
    skip_reason: str | None
    cap: bool
    hr: list[str] = field(default_factory=list)  # the HR contacts who got the document


@dataclass(frozen=True)
class HistoryRow:
    date: str
    level: str
    policy: str
    by: str
    incident: str
    skip_reason: str | None
    # A CAP: when the agent acknowledged it (in the reader's time), "" when not yet; None: no CAP.
    acknowledged: str | None = None


@dataclass(frozen=True)
class CapCard:
    """A CAP as the agent sees it, with the "I have read this" button until they press it."""

    coaching_id: int
    agent_name: str
    level_label: str
    policy_title: str
    date: str
    incident: str
    expectation: str
    consequence: str
    statement: str
    acknowledged: str | None = None  # when, in the agent's time


@dataclass(frozen=True)
class History:
    agent_name: str
    rows: list[HistoryRow]
    current: str | None


@dataclass(frozen=True)
class CatchUpForm:
    agent: str
    agent_name: str
    extra_hours: float
    session_hours: float
    sessions: list[tuple[str, str]] = field(default_factory=list)  # (YYYY-MM-DD, HH:MM) proposed


@dataclass(frozen=True)
class Scheduled:
    agent_name: str
    lines: list[str]


@dataclass(frozen=True)
class CoachingRecorded:
    """A coaching was written, about these records (its links: "attempt:7", "flag:1", ...)."""

    coaching_id: int
    person_id: int
    links: list[str] = field(default_factory=list)
