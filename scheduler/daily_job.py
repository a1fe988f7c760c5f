"""The shape of a job that runs once per training day, and of a section of the end-of-day DM."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.config.playbook import Playbook
    from bot.context import AppContext


@dataclass(frozen=True)
class DailyJob:
    name: str
    func: str
    anchor: Literal["day_start", "day_end"]
    # Minutes after the anchor: a number, or a function of the playbook when the team sets it there.
    offset_minutes: int | Callable[[Playbook], int] = 0

    def offset(self, playbook: Playbook) -> int:
        return self.offset_minutes(playbook) if callable(self.offset_minutes) else self.offset_minutes


EndOfDaySection = Callable[["Session", "AppContext", int, int], list[dict[str, Any]]]
