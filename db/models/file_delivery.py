from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class FileDelivery(Base):
    """Outbox row for a file that must reach someone exactly once (a filled CAP to the TL, to HR);
    the bytes are kept so a retry sends the document as it was when the record was written."""

    __tablename__ = "file_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    recipient: Mapped[str] = mapped_column(String(32))  # a user ID (their DM) or a channel ID
    filename: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    comment: Mapped[str | None] = mapped_column(Text)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | sending | sent | failed | dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
