"""De-duplication of Slack event deliveries. Bolt does not do it; Slack retries up to three times.

The event_id is written in the caller's transaction, together with the event's effects, so a
delivery whose processing failed leaves no mark and its retry is applied normally.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import ProcessedEvent


def claim(session: Session, event_id: str | None, now: datetime) -> bool:
    """True the first time an event_id is seen; False for a repeat."""
    if not event_id:
        return True
    if session.get(ProcessedEvent, event_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id, processed_at=now))
    except IntegrityError:
        return False
    return True


def release(session: Session, event_id: str | None) -> None:
    """Forget an event whose effect could not be completed, so Slack's retry applies it again."""
    if event_id:
        row = session.get(ProcessedEvent, event_id)
        if row is not None:
            session.delete(row)
            session.flush()
