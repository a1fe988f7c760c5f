"""The team's playbook: policies as data, loaded from one YAML file and validated at start.

Teams change these between class versions, so nothing here may become a constant in code.
Later capabilities add their own sections; each section has defaults so an older file still loads.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal

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


class AttendanceCode(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)


# The codes the bot itself proposes refer to these keys; their labels are the team's to change.
ATTENDANCE_CODE_KEYS = (
    "full_day", "tardy_under_1h", "tardy_over_1h", "left_early_under_1h", "left_early_over_1h",
    "absent_unapproved", "absent_hr_approved", "ncns", "mia", "no_longer_employed",
)


def _default_attendance_codes() -> list[AttendanceCode]:
    labels = [
        "Full Day", "Tardy < 1 hour", "Tardy > 1 hour (up to half the shift)", "Left Early < 1 hour",
        "Left Early > 1 hour", "Absent – Unapproved", "Absent – HR Approved", "NCNS (no call, no show)",
        "Unresponsive or Missing During Class (MIA)", "No Longer Employed",
    ]
    return [AttendanceCode(key=k, label=v) for k, v in zip(ATTENDANCE_CODE_KEYS, labels, strict=True)]


class AttendancePolicy(Strict):
    """The day's rhythm (check-in, raise and lower the hand at breaks) and the tracking-sheet codes."""

    checkin_grace_minutes: int = Field(default=5, ge=0, le=120)
    raise_lead_minutes: int = Field(default=5, ge=1, le=30)
    raise_grace_minutes: int = Field(default=2, ge=0, le=30)
    lower_grace_minutes: int = Field(default=5, ge=1, le=30)
    # any_miss: MIA on any missed raise or lower; two_in_a_row: only after two missed in a row.
    mia_rule: Literal["any_miss", "two_in_a_row"] = "any_miss"
    # A channel prompt whose moment passed more than this ago is skipped (logged), never posted late.
    late_prompt_grace_minutes: int = Field(default=5, ge=1, le=60)
    tardy_long_minutes: int = Field(default=60, ge=1)
    absent_after_missing_hours: float = Field(default=4, gt=0, le=12)
    codes: list[AttendanceCode] = Field(default_factory=_default_attendance_codes)

    @field_validator("codes")
    @classmethod
    def _all_codes(cls, value: list[AttendanceCode]) -> list[AttendanceCode]:
        keys = [c.key for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError("attendance code keys must be unique")
        missing = [k for k in ATTENDANCE_CODE_KEYS if k not in keys]
        if missing:
            raise ValueError(f"attendance codes lack {', '.join(missing)}")
        return value

    def label(self, key: str) -> str:
        return next((c.label for c in self.codes if c.key == key), key)

    def code_for(self, text: str) -> AttendanceCode | None:
        wanted = text.strip().lower()
        return next((c for c in self.codes if wanted in (c.key, c.label.lower())), None)


class Playbook(Strict):
    version: str = "1"
    day: DaySchedule = Field(default_factory=DaySchedule)
    guides: Guides
    formats: Formats
    carriers: list[Carrier]
    timing: Timing = Field(default_factory=Timing)
    tech_issues: TechIssues = Field(default_factory=TechIssues)
    help_queue: HelpQueuePolicy = Field(default_factory=HelpQueuePolicy)
    attendance: AttendancePolicy = Field(default_factory=AttendancePolicy)

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
