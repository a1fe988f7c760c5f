"""The single-scheduler lock: one row, its owner and heartbeat. APScheduler must never run in two
processes over one job store (every job would run twice), so a second process is refused while
the holder's heartbeat is fresh, and may take over a lock whose holder stopped beating."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from bot.core.errors import Conflict
from db.models import SchedulerLock
from db.session import rows_matched

log = logging.getLogger(__name__)

LOCK_NAME = "scheduler"


class SchedulerAlreadyRunning(Conflict):
    pass


def refusal(owner: str, heartbeat: datetime, ttl: timedelta) -> str:
    return (
        f"another process ({owner}) is already running the scheduler over this database (last heartbeat "
        f"{heartbeat:%Y-%m-%d %H:%M:%S} UTC). Two schedulers over one job store would run every job twice, so "
        f"this one will not start. Stop the other `training-day run` first; if it died, wait "
        f"{int(ttl.total_seconds())} s for its lock to expire."
    )


def acquire(session: Session, *, owner: str, now: datetime, ttl: timedelta) -> None:
    """Take the lock, or raise SchedulerAlreadyRunning naming the live holder. A concurrent first
    insert surfaces as IntegrityError at commit; the caller turns it into the same refusal."""
    row = session.get(SchedulerLock, LOCK_NAME, with_for_update=True)
    if row is None:
        session.add(SchedulerLock(name=LOCK_NAME, owner=owner, acquired_at=now, heartbeat_at=now))
        session.flush()
        return
    if row.owner != owner and row.heartbeat_at > now - ttl:
        raise SchedulerAlreadyRunning(refusal(row.owner, row.heartbeat_at, ttl))
    if row.owner != owner:
        log.warning(
            "taking over the scheduler from %s (no heartbeat since %s)",
            row.owner,
            row.heartbeat_at.isoformat(),
        )
    row.owner, row.acquired_at, row.heartbeat_at = owner, now, now
    session.flush()


def holder(session: Session) -> SchedulerLock | None:
    return session.get(SchedulerLock, LOCK_NAME)


def beat(session: Session, *, owner: str, now: datetime) -> bool:
    """Refresh the heartbeat; False if another process took the lock over."""
    changed = rows_matched(
        session.execute(
            update(SchedulerLock)
            .where(SchedulerLock.name == LOCK_NAME, SchedulerLock.owner == owner)
            .values(heartbeat_at=now)
        )
    )
    return bool(changed)


def release(session: Session, *, owner: str) -> None:
    session.execute(
        delete(SchedulerLock).where(SchedulerLock.name == LOCK_NAME, SchedulerLock.owner == owner)
    )
