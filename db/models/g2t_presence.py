from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime

PENDING = "pending"
DONE = "done"
GAVE_UP = "gave_up"


class G2TReport(Base):
    """Fetching a training day's attendee report: GoTo publishes it some time after the session
    ends, so it is retried with backoff until `next_try_at` passes the playbook's limit."""

    __tablename__ = "g2t_reports"
    __table_args__ = (UniqueConstraint("cohort_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))


class G2TPresence(Base):
    """What the G2T attendee report says of one agent's training day."""

    __tablename__ = "g2t_presence"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    first_join: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_leave: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    missed_minutes: Mapped[int] = mapped_column(Integer)
    # [[start, end], ...] ISO UTC: absences longer than the playbook's gap outside the breaks.
    gaps: Mapped[list[Any]] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
