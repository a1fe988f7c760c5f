from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class RecordRead(Base):
    """Someone was shown an agent's HR records or personal data: who, when, whose, and what."""

    __tablename__ = "record_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    reader: Mapped[str] = mapped_column(String(64))  # a Slack user ID, or "cli"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # coaching_history | cap | failed_exams | identity | whole_record
    what: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(300))
