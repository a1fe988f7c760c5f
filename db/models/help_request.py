from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.cohort import Cohort
from db.models.person import Person
from db.types import UTCDateTime

WAITING = "waiting"
CLAIMED = "claimed"
RESOLVED = "resolved"


class HelpRequest(Base):
    """An agent in the help queue: asked (/needhelp or "Still stuck"), claimed into a breakout
    room by staff, resolved. Wait time is claimed_at - requested_at."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # needhelp | techissue | dm
    topic_key: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)  # waiting | claimed | resolved
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    room: Mapped[int | None] = mapped_column(Integer)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the TL's message with the Claim button is, so claiming can update it.
    tl_channel_id: Mapped[str | None] = mapped_column(String(32))
    tl_message_ts: Mapped[str | None] = mapped_column(String(32))
    # "cohort:person" while the request is waiting or claimed, NULL once resolved: the unique
    # constraint lets an agent hold one open request at a time, even when they double-click
    # (NULLs never collide, on SQLite and PostgreSQL alike).
    open_slot: Mapped[str | None] = mapped_column(String(64), unique=True)

    cohort: Mapped[Cohort] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")
    claimed_by: Mapped[Person | None] = relationship(foreign_keys=[claimed_by_id], lazy="joined")
    resolved_by: Mapped[Person | None] = relationship(foreign_keys=[resolved_by_id], lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.status in (WAITING, CLAIMED)
