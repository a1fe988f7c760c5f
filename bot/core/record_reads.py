"""Who read what: every time someone is shown an agent's HR records (coaching history, CAPs,
failed exams) or personal data (N-Number, NPN, email), a row says who, when, whose and what.
Written in the reading use case's own transaction, so a refused read leaves no trace."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import RecordRead

COACHING_HISTORY = "coaching_history"
CAP = "cap"
FAILED_EXAMS = "failed_exams"
IDENTITY = "identity"
WHOLE_RECORD = "whole_record"

WHAT = {
    COACHING_HISTORY: "coaching history",
    CAP: "CAPs",
    FAILED_EXAMS: "failed exams",
    IDENTITY: "identity (N-Number, NPN, email)",
    WHOLE_RECORD: "the whole record",
}


def record(
    session: Session, *, reader: str, person_id: int, what: str, at: datetime, detail: str | None = None
) -> None:
    session.add(
        RecordRead(
            at=at, reader=reader, person_id=person_id, what=what, detail=(detail or None) and detail[:300]
        )
    )
    session.flush()


def record_many(
    session: Session, *, reader: str, what: str, at: datetime, rows: Iterable[tuple[int, str | None]]
) -> int:
    """One read per (agent id, detail) in one INSERT, for a view that shows many agents at once
    (a class's list, an export). Returns how many rows it wrote."""
    values = [
        {
            "at": at,
            "reader": reader,
            "person_id": person_id,
            "what": what,
            "detail": (detail or None) and detail[:300],
        }
        for person_id, detail in rows
    ]
    if values:
        session.execute(insert(RecordRead), values)
    return len(values)


def reads_of(session: Session, person_id: int, limit: int = 200) -> list[RecordRead]:
    """The newest reads of the agent's records first."""
    stmt = (
        select(RecordRead)
        .where(RecordRead.person_id == person_id)
        .order_by(RecordRead.at.desc(), RecordRead.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
