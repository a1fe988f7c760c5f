"""What /healthz reports from the database: the outbox's backlog and who leads the scheduler."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import scheduler_lease as scheduler_lock
from db.models import Notification


@dataclass(frozen=True)
class LeaderRow:
    owner: str
    since: datetime
    heartbeat: datetime


def outbox_backlog(session: Session) -> dict[str, int]:
    """Messages waiting for a retry (failed) and given up on (dead)."""
    counts = dict(
        session.execute(
            select(Notification.status, func.count())
            .where(Notification.status.in_(("failed", "dead")))
            .group_by(Notification.status)
        ).all()
    )
    return {"failed": int(counts.get("failed", 0)), "dead": int(counts.get("dead", 0))}


def leader(session: Session) -> LeaderRow | None:
    row = scheduler_lock.holder(session)
    return None if row is None else LeaderRow(row.owner, row.acquired_at, row.heartbeat_at)
