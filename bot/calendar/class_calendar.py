"""Which dates a class does not meet: weekends, the playbook's public-holiday calendar (the
`holidays` package), the company's closed dates and the cohort's own skip dates.

Pure apart from the holiday tables, which the `holidays` package computes and we cache per
calendar and year. Every count of training days goes through `ClassCalendar.is_open`, so the plan,
the pace, the window and the reports agree on which day is "day 2".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    table = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return {day: str(name) for day, name in table.items()}


def check_region(country: str, subdivision: str | None) -> None:
    """Raises ValueError naming the problem when the holidays package does not know the region."""
    try:
        holidays.country_holidays(country, years=2026)
    except NotImplementedError as exc:
        raise ValueError(f"the holidays package has no calendar for country {country!r}") from exc
    if subdivision is None:
        return
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=2026)
    except (NotImplementedError, ValueError) as exc:
        raise ValueError(f"{country} has no subdivision {subdivision!r} in the holidays package") from exc


@dataclass(frozen=True)
class ClassCalendar:
    country: str | None = None
    subdivision: str | None = None
    closed: Mapping[date, str] = field(default_factory=dict)  # company and cohort dates, with a reason

    def closed_because(self, day: date) -> str | None:
        """Why a weekday is not a training day (None when it is one); weekends are not listed."""
        if day in self.closed:
            return self.closed[day]
        if self.country:
            return _public_holidays(self.country, self.subdivision, day.year).get(day)
        return None

    def is_open(self, day: date) -> bool:
        return day.weekday() < 5 and self.closed_because(day) is None

    def skipped_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """The weekdays from `first` to `last` the class does not meet, with the reason."""
        found = []
        day = first
        while day <= last:
            reason = self.closed_because(day) if day.weekday() < 5 else None
            if reason is not None:
                found.append((day, reason))
            day += timedelta(days=1)
        return found


WEEKENDS_ONLY = ClassCalendar()


def merged(base: ClassCalendar, extra: Iterable[tuple[date, str]]) -> ClassCalendar:
    """The calendar with more closed dates (a cohort's own skip dates)."""
    closed = dict(base.closed)
    for day, reason in extra:
        closed.setdefault(day, reason)
    return ClassCalendar(base.country, base.subdivision, closed)
