from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class TimeframeFlag(Base):
    """An agent who did not finish inside the cohort's window, or a delay the TL excused beforehand."""

    __tablename__ = "timeframe_flags"
    __table_args__ = (UniqueConstraint("person_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    missing: Mapped[str | None] = mapped_column(Text)
    excuse: Mapped[str | None] = mapped_column(Text)
    excused_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    excused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
