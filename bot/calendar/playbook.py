"""The calendar's playbook sections: the day's schedule and breaks, and the closed dates."""

from __future__ import annotations

import re
from datetime import date as date_type
from datetime import time

from pydantic import Field, field_validator, model_validator

from bot.calendar.class_calendar import check_region
from bot.config.strict import Strict


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


# -- the class calendar -------------------------------------------------------------
class ClosedDate(Strict):
    """A date the class does not meet; a bare date in YAML gets the default reason."""

    date: date_type
    name: str = Field(default="Closed", min_length=1, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _bare_date(cls, value: object) -> object:
        if isinstance(value, date_type | str):
            return {"date": value}
        return value


class CalendarPolicy(Strict):
    """Public holidays (country and optional subdivision, as the `holidays` package names them;
    null for none) and the company's own closed dates. Training days skip them like weekends."""

    country: str | None = "US"
    subdivision: str | None = None
    closed: list[ClosedDate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_region(self) -> CalendarPolicy:
        if self.country:
            check_region(self.country, self.subdivision)
        elif self.subdivision:
            raise ValueError("a subdivision needs a country")
        return self
