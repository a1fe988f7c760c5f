from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime


class CertAttempt(Base):
    """A failed carrier (or TBT) exam attempt. The unique number per carrier and year stops a double
    submit; `year` is the calendar year in the cohort's timezone, since attempts count per year."""

    __tablename__ = "cert_attempts"
    __table_args__ = (UniqueConstraint("person_id", "carrier_key", "year", "attempt_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    carrier_key: Mapped[str] = mapped_column(String(32))
    attempt_no: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
