from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime

PENDING = "pending"  # to register (again after a failure)
REGISTERED = "registered"
NO_EMAIL = "no_email"  # no address in the file or in Slack: the TL was told
CANCELLED = "cancelled"


class G2TRegistration(Base):
    """An agent's registration for their cohort's training. The registrant key is stored the
    moment GoTo answers, so a retry never registers twice (and a 409 adopts the existing one)."""

    __tablename__ = "g2t_registrations"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(320))
    registrant_key: Mapped[str | None] = mapped_column(String(64))
    join_url: Mapped[str | None] = mapped_column(String(1000))
    last_error: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
