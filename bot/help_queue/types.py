"""What the help queue hands out: a request as the staff see it. Plain data: the services build
it, the Block Kit builders render it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timefmt import clock_time, local, time_for


@dataclass(frozen=True)
class HelpCard:
    """One request as the staff see it."""

    request_id: int
    agent_name: str
    agent_id: str
    cohort_name: str
    timezone: str
    topic_title: str | None
    text: str
    source: str
    requested_at: datetime
    status: str
    claimed_by_name: str | None = None
    claimed_by_id: str | None = None
    claimed_at: datetime | None = None
    room: int | None = None
    resolved_by_name: str | None = None
    resolved_by_id: str | None = None
    resolved_at: datetime | None = None
    reader_tz: str | None = None  # the zone of the person the card is shown to

    def at(self, moment: datetime) -> str:
        if self.reader_tz:
            return time_for(moment, self.reader_tz, self.timezone)
        return clock_time(local(moment, self.timezone).time())
