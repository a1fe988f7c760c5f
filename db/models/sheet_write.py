from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class SheetWrite(Base):
    """A value the team's tracking sheet is still to receive: one row per agent and bot-owned
    column, its value replaced while it waits, deleted once the sheet has it. Kept in the database
    so a restart or an outage of the Sheets API loses no write."""

    __tablename__ = "sheet_writes"
    __table_args__ = (UniqueConstraint("person_id", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    header: Mapped[str] = mapped_column(String(120))
    value: Mapped[str] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
