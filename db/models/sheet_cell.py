from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class SheetCell(Base):
    """What the bot knows of one cell of the tracking sheet (an agent's row, a mapped column): the
    value it last wrote there, the value it last read there, and a value someone typed over a
    bot-owned cell that the bot has not taken (the disagreement the TL was told about)."""

    __tablename__ = "sheet_cells"
    __table_args__ = (UniqueConstraint("person_id", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    header: Mapped[str] = mapped_column(String(120))
    written: Mapped[str | None] = mapped_column(Text)
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seen: Mapped[str | None] = mapped_column(Text)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disagreement: Mapped[str | None] = mapped_column(Text)
    disagreement_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
