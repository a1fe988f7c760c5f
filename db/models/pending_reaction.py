from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class PendingReaction(Base):
    """A reaction to a message in a class channel that matched no prompt when it arrived.

    Slack can deliver a reaction to a prompt before the replica that posted it has recorded the
    post's ts; the reaction is kept here with the moment it arrived and applied as of that
    moment once the prompt's ts is known (right after the post, and before every check that
    reads the answers), then deleted. Reactions that never match are dropped after a day."""

    __tablename__ = "pending_reactions"
    __table_args__ = (Index("ix_pending_reactions_message", "channel_id", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    reaction: Mapped[str] = mapped_column(String(100))
    added: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
