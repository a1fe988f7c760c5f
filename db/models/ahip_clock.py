from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class AhipClock(Base):
    """An agent's clock of a timed rule (the AHIP clock, and each of the playbook's
    `timed_rules.clocks`; `carrier_key` holds the clock's key): when it started (a first report,
    a certifier connecting, when the playbook starts it there) and its pauses. Paused training
    minutes are added up at each resume, so the elapsed training time never needs the pause history."""

    __tablename__ = "ahip_clocks"
    __table_args__ = (UniqueConstraint("person_id", "carrier_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    carrier_key: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pause_reason: Mapped[str | None] = mapped_column(Text)
    paused_minutes: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
