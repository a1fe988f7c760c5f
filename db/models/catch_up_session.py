from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class CatchUpSession(Base):
    """One catch-up session of the timeframe Final CAP; the number per agent and cohort is unique,
    so scheduling twice cannot double them."""

    __tablename__ = "catch_up_sessions"
    __table_args__ = (UniqueConstraint("person_id", "cohort_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    scheduled_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
