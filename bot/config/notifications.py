"""The notification budget's playbook section: which kinds of message fold into a digest by
default, which are urgent (never folded, never held in quiet hours), and when digests go out."""

from __future__ import annotations

import re
from datetime import time
from typing import Literal

from pydantic import Field, field_validator

from bot.config.strict import Strict
from db.models.person import Role

Rhythm = Literal["after_each_break", "after_lunch_and_day_end"]

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# About an agent's lapses or the routine of the day: one line each in the digest.
DEFAULT_DIGEST_KINDS = (
    "mia_alert",
    "tardy_alert",
    "failcert",
    "ahip_clock",
    "timeframe_flag",
    "catchup_end",
    "esp_complete_tl",
    "sheet_disagreement",
    "sheet_copies",
    "g2t_end_of_day",
    "g2t_report_missing",
    "end_of_day",
    "evening.check",
    "attendance_claim",
    "cap_unacknowledged",
    "form_submitted",
)

# Sent at once whatever the person chose, quiet hours included: someone is waiting on them.
DEFAULT_URGENT_KINDS = ("redflag.raised", "help.request", "esp_complete", "g2t_late")


_TWICE_A_DAY: dict[Role, Rhythm] = {
    Role.PM: "after_lunch_and_day_end",
    Role.ESP_MANAGER: "after_lunch_and_day_end",
}


def _twice_a_day() -> dict[Role, Rhythm]:
    return dict(_TWICE_A_DAY)


def parse_hhmm(value: str) -> time:
    if not HHMM.match(value):
        raise ValueError(f"{value!r} is not a time like 09:30")
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


class NotificationPolicy(Strict):
    """`moments`: local times ("HH:MM") of the digests; empty means after each break of the day and
    at its end. `open_minutes`: how long after its moment a digest still takes new lines in place
    (the break's MIA check runs a few minutes after the break). `rhythm`: per role, whether the
    default moments are after each break or only after lunch and at day end (a PM is not in the
    class: two digests a day)."""

    digest_kinds: list[str] = Field(default_factory=lambda: list(DEFAULT_DIGEST_KINDS))
    urgent_kinds: list[str] = Field(default_factory=lambda: list(DEFAULT_URGENT_KINDS))
    moments: list[str] = Field(default_factory=list, max_length=24)
    open_minutes: int = Field(default=30, ge=1, le=180)
    # The day-end digest stays open longer: GoTo's attendee report comes well after the end.
    day_end_open_minutes: int = Field(default=120, ge=1, le=720)
    rhythm: dict[Role, Rhythm] = Field(default_factory=_twice_a_day)
    default_timezone: str = "America/Chicago"

    @field_validator("moments")
    @classmethod
    def _times(cls, values: list[str]) -> list[str]:
        for value in values:
            parse_hhmm(value)
        return sorted(set(values))
