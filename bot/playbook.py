"""The team's playbook: policies as data, loaded from one YAML file and validated at start.

Teams change these between class versions, so nothing here may become a constant in code.
Later capabilities add their own sections; each section has defaults so an older file still loads.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BreakSpec(Strict):
    start: time
    minutes: int = Field(gt=0, le=120)
    lunch: bool = False

    @field_validator("start", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)


class DaySchedule(Strict):
    day_start: time = time(8, 0)
    day_end: time = time(17, 0)
    breaks: list[BreakSpec] = Field(
        default_factory=lambda: [
            BreakSpec(start=time(10, 0), minutes=15),
            BreakSpec(start=time(12, 0), minutes=30, lunch=True),
            BreakSpec(start=time(14, 30), minutes=15),
        ]
    )

    @field_validator("day_start", "day_end", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)

    @model_validator(mode="after")
    def _breaks_inside_day(self) -> DaySchedule:
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")
        previous_end = self.day_start
        for spec in sorted(self.breaks, key=lambda b: b.start):
            start_minutes = spec.start.hour * 60 + spec.start.minute
            end_minutes = start_minutes + spec.minutes
            if spec.start < previous_end:
                raise ValueError(f"break at {spec.start:%H:%M} overlaps the one before it or the day start")
            if end_minutes > self.day_end.hour * 60 + self.day_end.minute:
                raise ValueError(f"break at {spec.start:%H:%M} ends after day_end")
            previous_end = time(end_minutes // 60, end_minutes % 60)
        return self


def _hhmm(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:00 as the sexagesimal integer 600.
        return time(value // 60, value % 60)
    return value




class Guide(Strict):
    title: str
    url: str


class Guides(Strict):
    ahip: Guide
    aetna: Guide
    tech_issues: Guide
    attendance_policy: Guide
    timeframe_expectations: Guide
    failed_cert_guide: Guide
    cap_template: Guide
    tracking_sheet: Guide


class IdFormat(Strict):
    pattern: str
    example: str
    description: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    def matches(self, value: str) -> bool:
        return re.fullmatch(self.pattern, value) is not None


class Formats(Strict):
    n_number: IdFormat
    npn: IdFormat
    n_number_warning: str


class Carrier(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    attempts: int = Field(default=3, ge=1, le=10)


class TechTopic(Strict):
    """A common tech problem: words that point to it, and what to try, in order."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    keywords: list[str] = Field(min_length=1)
    steps: list[str] = Field(min_length=1)


class TechIssues(Strict):
    """What /techissue answers: a topic matched by keywords, else the general checklist."""

    topics: list[TechTopic] = Field(default_factory=list)
    general: list[str] = Field(
        default_factory=lambda: [
            "Close the app or page and open it again.",
            "Check your internet connection; restart your router if other sites are slow too.",
            "Restart your computer.",
        ],
        min_length=1,
    )

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: list[TechTopic]) -> list[TechTopic]:
        keys = [t.key for t in value]
        if len(set(keys)) != len(keys):
            raise ValueError("tech issue topic keys must be unique")
        return value


class HelpQueuePolicy(Strict):
    max_breakout_room: int = Field(default=50, ge=1, le=200)


class Timing(Strict):
    g2t_lead_hours: int = Field(default=24, ge=24)


class Playbook(Strict):
    version: str = "1"
    day: DaySchedule = Field(default_factory=DaySchedule)
    guides: Guides
    formats: Formats
    carriers: list[Carrier]
    timing: Timing = Field(default_factory=Timing)
    tech_issues: TechIssues = Field(default_factory=TechIssues)
    help_queue: HelpQueuePolicy = Field(default_factory=HelpQueuePolicy)

    @field_validator("carriers")
    @classmethod
    def _unique_carriers(cls, value: list[Carrier]) -> list[Carrier]:
        keys = [c.key for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError("carrier keys must be unique")
        if not value:
            raise ValueError("at least one carrier is needed")
        return value

    def carrier(self, key: str) -> Carrier | None:
        return next((c for c in self.carriers if c.key == key.lower()), None)


class PlaybookError(Exception):
    """A playbook that does not load; the message names the field and the reason."""


def load_playbook(path: Path) -> Playbook:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaybookError(f"playbook {path}: cannot read it ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise PlaybookError(f"playbook {path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise PlaybookError(f"playbook {path}: expected a mapping at the top level")
    try:
        return Playbook.model_validate(raw)
    except ValidationError as exc:
        raise PlaybookError(f"playbook {path}: {describe_validation_error(exc)}") from exc


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the field path and the reason."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
