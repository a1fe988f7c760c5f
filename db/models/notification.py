from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class Notification(Base):
    """Outbox row for a message that must go exactly once; `key` says what it is about."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    recipient: Mapped[str] = mapped_column(String(32))  # a user ID (DM) or a channel ID
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # held (waits for due_at) | pending | sending | sent | stale (sent, shown again by chat.update)
    # | updating | failed | dead | expired
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A message only worth sending until then (a break prompt): a retry after it is dropped.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A message that waits (a digest until its moment, anything non-urgent until quiet hours end).
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
