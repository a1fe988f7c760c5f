from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class RequestResult(Base):
    """The first result of a submission, by its idempotency key (a modal's view id and submitter).

    Written in the same transaction as the submission's records, so a retried or double-clicked
    submission finds it and answers the same instead of writing again."""

    __tablename__ = "request_results"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    operation: Mapped[str] = mapped_column(String(100))
    result: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
