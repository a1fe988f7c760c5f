from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime

TARDY = "tardy"
ABSENT = "absent"
MIA = "mia"

OPEN = "open"
EXCUSED = "excused"
PRESENT = "present"


class AttendanceFlag(Base):
    """Something the bot marked: tardy or absent for a day, MIA for a break. Staff may excuse it
    or mark the agent present (who, when and why are kept); it is never deleted."""

    __tablename__ = "attendance_flags"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id", "day", "kind", "break_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # tardy | absent | mia
    break_no: Mapped[int] = mapped_column(Integer, default=0)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default=OPEN)  # open | excused | present
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    # The agent said "I was there" (once), and what their TL decided: accepted | kept.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_outcome: Mapped[str | None] = mapped_column(String(16))

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
    resolved_by: Mapped[Person | None] = relationship(foreign_keys=[resolved_by_id])
