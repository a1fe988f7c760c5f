"""What the managers' morning report hands out: a class's part of it. Plain data: the report
gathers it, the Block Kit builders render it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ClassPart:
    cohort_id: int
    pm_id: int
    name: str
    day_text: str
    behind: list[str] = field(default_factory=list)
    carriers_open: list[str] = field(default_factory=list)
    waiting_production: list[str] = field(default_factory=list)
    old_flags: list[str] = field(default_factory=list)
    at_limit: list[str] = field(default_factory=list)
    incomplete: list[tuple[str, list[str]]] = field(default_factory=list)  # the playbook's own lists
    moved: list[str] = field(default_factory=list)  # moved to production lately
