from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class SheetSyncState(Base):
    """The sync's own bookkeeping, one row per spreadsheet: the back-off after a quota 429 or a
    5xx, the write requests made in the current minute (Google allows 60 per user), and whether
    the bot's columns were protected."""

    __tablename__ = "sheet_sync_state"

    spreadsheet_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_writes: Mapped[int] = mapped_column(Integer, default=0)
    protected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
