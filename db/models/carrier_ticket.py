from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime


class CarrierTicket(Base):
    """A ticket opened with a carrier for an agent; submitting the same number again updates it."""

    __tablename__ = "carrier_tickets"
    __table_args__ = (UniqueConstraint("carrier_key", "ticket_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    carrier_key: Mapped[str] = mapped_column(String(32))
    ticket_number: Mapped[str] = mapped_column(String(64))
    issue: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
