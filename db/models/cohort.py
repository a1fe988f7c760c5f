from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    channel_id: Mapped[str] = mapped_column(String(32), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date())
    days: Mapped[int] = mapped_column(Integer, default=3)
    # None: the bot makes a GoTo training for the cohort and each agent gets their own link.
    training_link: Mapped[str | None] = mapped_column(String(500))
    tl_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    pm_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    # None means "the playbook's default day", so a playbook change reaches such cohorts.
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # [{"date": "2026-11-27", "name": "Site closed"}]: days this class skips besides the playbook's.
    skip_dates: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    tl: Mapped[Person] = relationship(foreign_keys=[tl_id], lazy="joined")
    pm: Mapped[Person] = relationship(foreign_keys=[pm_id], lazy="joined")
