from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class DigestLine(Base):
    """One event folded into a person's digest (a notification row of kind "digest"): its words and
    the blocks it would have had alone, buttons included. `key` is the event's outbox key, so the
    same event twice is one line."""

    __tablename__ = "digest_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    digest_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationPreference(Base):
    """What a person chose on their Home's notification settings; no row means the defaults."""

    __tablename__ = "notification_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    # kind -> "immediate" | "digest", only for kinds the person changed
    modes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # local "HH:MM" times of the digest; None: the playbook's moments
    moments: Mapped[list[str] | None] = mapped_column(JSON)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
