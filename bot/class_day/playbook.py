"""The class day's playbook section: attendance codes, prompts, MIA and tardiness rules."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from bot.config.strict import Strict


class AttendanceCode(Strict):
    """A tracking-sheet code and the Attendance Policy's points for one occurrence of it.
    `from_minutes`: where the bot knows the minutes (late, left early, away at a break), an
    occurrence shorter than this carries no points (a tardy of 6 minutes under a 10-minute rule)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    points: float = Field(default=0, ge=0, le=100)
    from_minutes: int | None = Field(default=None, ge=1, le=600)


# The codes the bot itself proposes refer to these keys; their labels and points are the team's.
ATTENDANCE_CODE_KEYS = (
    "full_day",
    "tardy_under_1h",
    "tardy_over_1h",
    "left_early_under_1h",
    "left_early_over_1h",
    "absent_unapproved",
    "absent_hr_approved",
    "ncns",
    "mia",
    "no_longer_employed",
)


def _default_attendance_codes() -> list[AttendanceCode]:
    labels = [
        "Full Day",
        "Tardy < 1 hour",
        "Tardy > 1 hour (up to half the shift)",
        "Left Early < 1 hour",
        "Left Early > 1 hour",
        "Absent – Unapproved",
        "Absent – HR Approved",
        "NCNS (no call, no show)",
        "Unresponsive or Missing During Class (MIA)",
        "No Longer Employed",
    ]
    points = {
        "tardy_under_1h": (0.5, 10),
        "tardy_over_1h": (0.5, None),
        "left_early_under_1h": (0.5, 10),
        "left_early_over_1h": (0.5, None),
        "absent_unapproved": (1.0, None),
        "ncns": (2.0, None),
        "mia": (0.5, 30),
    }
    return [
        AttendanceCode(
            key=k, label=v, points=points.get(k, (0, None))[0], from_minutes=points.get(k, (0, None))[1]
        )
        for k, v in zip(ATTENDANCE_CODE_KEYS, labels, strict=True)
    ]


# Codes that say the agent was not in class that day: an MIA mark on such a day carries nothing
# of its own (the absence's points stand for the day).
ABSENCE_CODES = frozenset({"absent_unapproved", "absent_hr_approved", "ncns", "no_longer_employed"})


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
    # The Attendance Policy counts points over a rolling window: an occurrence counts through
    # this many days after the day it happened, across classes.
    points_window_days: int = Field(default=90, ge=1, le=730)

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

    def code(self, key: str) -> AttendanceCode | None:
        return next((c for c in self.codes if c.key == key), None)

    def code_for(self, text: str) -> AttendanceCode | None:
        wanted = text.strip().lower()
        return next((c for c in self.codes if wanted in (c.key, c.label.lower())), None)
