from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime


class Coaching(Base):
    """A documented coaching: the policy, the ladder level, what happened, and what comes next.

    `links` names the records it is about ("attendance:day2", "attempt:7", "coaching:3", "flag:1");
    `document` holds the filled CAP for CAP levels.
    """

    __tablename__ = "coachings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    policy: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(32))
    proposed_level: Mapped[str | None] = mapped_column(String(32))
    skip_reason: Mapped[str | None] = mapped_column(Text)
    incident: Mapped[str] = mapped_column(Text)
    expectation: Mapped[str] = mapped_column(Text)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    document: Mapped[str | None] = mapped_column(Text)
    coached_by_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The agent pressed "I have read this" on the CAP (CAP levels only).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
    coached_by: Mapped[Person] = relationship(foreign_keys=[coached_by_id], lazy="joined")
