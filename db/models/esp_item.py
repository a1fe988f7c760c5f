from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.models.person import Person
from db.types import UTCDateTime


class EspItem(Base):
    """One line of an agent's ESP tracker (AHIP, Aetna, TBT, ...): its status and who set it when.

    A row exists once the item was first set; an item without a row is "not started"."""

    __tablename__ = "esp_items"
    __table_args__ = (UniqueConstraint("person_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    item: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    changed_by: Mapped[Person | None] = relationship(foreign_keys=[changed_by_id], lazy="joined")
