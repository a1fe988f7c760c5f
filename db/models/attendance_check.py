from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime

CHECKIN = "checkin"
RAISED = "raise"
LOWERED = "lower"


class AttendanceCheck(Base):
    """An agent answered a prompt: checked in, raised the hand before a break, lowered it after.
    `late` when it came after the window; the first answer counts, repeats change nothing."""

    __tablename__ = "attendance_checks"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "day", "kind", "break_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # checkin | raise | lower
    break_no: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    late: Mapped[bool] = mapped_column(Boolean, default=False)
