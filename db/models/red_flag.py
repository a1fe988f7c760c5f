from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.cohort import Cohort
from db.models.person import Person
from db.types import UTCDateTime


class RedFlag(Base):
    """Something that may stop an agent from being appointed or selling (a background-check
    finding, a release needed, no health license). Open until someone records how it was resolved."""

    __tablename__ = "red_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    resolution: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
    cohort: Mapped[Cohort] = relationship(lazy="joined")
    raised_by: Mapped[Person] = relationship(foreign_keys=[raised_by_id], lazy="joined")
    resolved_by: Mapped[Person | None] = relationship(foreign_keys=[resolved_by_id], lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
