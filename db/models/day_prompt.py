from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime

MORNING = "morning"
RAISE = "raise"
LOWER = "lower"


class DayPrompt(Base):
    """A post the day plan made in the class channel (morning post, raise-hand, back-from-break).

    `key` is also the outbox key of the message, which holds its channel and ts: a reaction is
    matched to its prompt through it. One row per prompt, so a prompt never goes twice.
    """

    __tablename__ = "day_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    day: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # morning | raise | lower
    break_no: Mapped[int] = mapped_column(Integer, default=0)  # 0 for the morning post
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
