from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class RosterDraft(Base):
    """Roster rows checked and shown in a preview, waiting for their author to confirm them.

    A modal's private_metadata holds 3,000 characters, less than a class's rows: the preview
    carries this row's id, and the confirmation reads the rows back from here (its author only)."""

    __tablename__ = "roster_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[str] = mapped_column(String(32))
    # The class the rows are added to; None while the class itself is still to be created.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), nullable=True)
    # The new class's fields (the /cohort new form), when there is no class yet.
    cohort_spec: Mapped[Any] = mapped_column(JSON, nullable=True)
    rows: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
