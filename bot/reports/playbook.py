"""The managers' morning report's playbook section."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, field_validator

from bot.calendar.playbook import _hhmm
from bot.config.strict import Strict
from bot.core.zones import known_zone


# -- the managers' morning report ------------------------------------------------------
class IncompleteRule(Strict):
    """A list of the report: agents with any of `items` not done `after_days` days in. Items are
    tracker items (ahip, tbt, callcert...), timeframe carriers (done when every step is) or one
    step ("pw registered"). `since`: the class's first day (training days on the class calendar,
    like `carriers_due_day`) or the day the agent started the item on the tracker (business days)."""

    title: str = Field(min_length=1, max_length=80)
    items: list[str] = Field(min_length=1)
    after_days: int = Field(ge=0, le=60)
    since: Literal["class_start", "started"] = "class_start"


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
    incomplete: list[IncompleteRule] = Field(default_factory=list)  # more lists, the team's own
    # Agents moved to production in the last this many days (None: not listed), and agents
    # ESP-complete but not moved for more than this many days.
    moved_to_production_days: int | None = Field(default=None, ge=1, le=30)
    waiting_production_days: int = Field(default=0, ge=0, le=60)
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
