from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime


class FormSubmission(Base):
    """One tracking form as submitted (cert, tbt, callcert, failedcert, ticket); `data` holds its fields."""

    __tablename__ = "form_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    local_date: Mapped[date] = mapped_column(Date())  # the day it was submitted, in the cohort's timezone
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
    submitted_by: Mapped[Person] = relationship(foreign_keys=[submitted_by_id], lazy="joined")
