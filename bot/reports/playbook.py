"""The managers' morning report's playbook section."""

from __future__ import annotations

from datetime import time

from pydantic import Field, field_validator

from bot.calendar.playbook import _hhmm
from bot.config.strict import Strict
from bot.core.zones import known_zone


# -- the managers' morning report ------------------------------------------------------
class MorningReportPolicy(Strict):
    """Each morning at `at` (in `timezone`) every ESP manager gets the report for every class and
    each PM the part for their own classes."""

    at: time = time(7, 30)
    timezone: str = "America/Chicago"
    # Agents with these ESP items still open after this training day (counted on the class calendar,
    # past the class's last day if need be) are listed.
    carriers_due_day: int = Field(default=4, ge=1, le=20)
    carrier_items: list[str] = Field(default_factory=lambda: ["ahip", "aetna"], min_length=1)
    red_flag_days: int = Field(default=2, ge=0, le=60)  # open longer than this many days
    weekdays_only: bool = True

    @field_validator("at", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if known_zone(value) is None:
            raise ValueError(f"unknown timezone {value[:40]!r}")
        return value
