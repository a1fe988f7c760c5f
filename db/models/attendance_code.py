from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class AttendanceCodeChoice(Base):
    """The code a TL set for an agent's day, replacing the one the bot proposes."""

    __tablename__ = "attendance_codes"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
