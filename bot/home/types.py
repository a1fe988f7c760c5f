"""What App Home shows, as plain data: a class's panel and its agents' rows, an agent's own Home,
the form buttons. The services gather it, the Block Kit builders render it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.red_flags.types import FlagCard


@dataclass(frozen=True)
class AgentRow:
    name: str
    slack_id: str
    esp: list[tuple[str, str]] | None = None  # (item label, status key), in tracker order
    attendance: list[tuple[int, str]] | None = None  # (day, code label)
    mia: int | None = None
    points: str | None = None  # "1½ attendance points (90 days)", when there are any
    coaching: str | None = None
    red_flags: int = 0
    in_help_queue: bool = False
    overdue: str | None = None  # the steps due by a finished day and not done

    @property
    def needs_attention(self) -> bool:
        return bool(self.red_flags or self.in_help_queue or self.mia or self.overdue)


@dataclass(frozen=True)
class CohortPanel:
    name: str
    channel_id: str
    when: str  # "Day 2 of 3 (Wed Dec 2)", "Starts Tue Dec 1", "Ended Thu Dec 3"
    agents: list[AgentRow]
    flags: list[FlagCard] = field(default_factory=list)
    help_lines: list[str] = field(default_factory=list)
    role: str = ""  # how the viewer relates to it: "team lead", "production manager", "admin"


@dataclass(frozen=True)
class FormButton:
    label: str
    action_id: str
    value: str


@dataclass(frozen=True)
class AgentHome:
    name: str
    cohort_name: str | None = None
    channel_id: str | None = None
    when: str | None = None
    schedule: list[str] = field(default_factory=list)  # "8:00 AM class starts", ...
    schedule_title: str = "Today"
    next_step: str | None = None
    progress: str | None = None
    esp: list[tuple[str, str]] | None = None
    attendance: list[tuple[int, str]] | None = None
    points: str | None = None  # the agent's own attendance points in the window
    overdue: str | None = None  # what was due by a finished class day and is not done
