"""Who leads the scheduler. APScheduler must never run in two processes over one job store (every
job would run twice), so exactly one `training-day run` leads it and the others stand by.

PostgreSQL: a session-level advisory lock held on a dedicated connection (`AdvisoryLock`). We chose
it over a lease row because the server itself releases it the moment the holder's connection
ends: a SIGKILLed or OOM-killed leader's socket is closed by its kernel, so a standby's next try
succeeds within its poll, instead of waiting out a lease TTL that must be long enough to survive a
slow heartbeat. A dead *host* closes nothing; TCP keepalives on both ends (derived from the
takeover setting) make the server drop that session, and the old leader notice, in bounded time.
The `scheduler_lock` row is then only informational: the leader writes who it is and its loop's
last tick there, so any replica's /healthz can tell.

SQLite (one process, the embedded default): the row itself is the lock, with owner + heartbeat; a
holder that stopped beating for the TTL is taken over."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Connection, create_engine, delete, text, update
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bot.core.errors import Conflict
from db.models import SchedulerLock
from db.session import rows_matched

log = logging.getLogger(__name__)

LOCK_NAME = "scheduler"
# pg_try_advisory_lock's key space is shared by everything on the database: a fixed, unlikely key.
ADVISORY_KEY = 0x7D_A7_5C_4E_D0_09
MIGRATION_KEY = 0x7D_A7_5C_4E_D0_0A


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


def record_leader(session: Session, *, owner: str, acquired_at: datetime, last_tick: datetime) -> None:
    """The leader's name and its loop's last tick, for every replica's /healthz (PostgreSQL only: on
    SQLite this row is the lock and its heartbeat)."""
    row = session.get(SchedulerLock, LOCK_NAME)
    if row is None:
        session.add(
            SchedulerLock(name=LOCK_NAME, owner=owner, acquired_at=acquired_at, heartbeat_at=last_tick)
        )
    else:
        row.owner, row.acquired_at, row.heartbeat_at = owner, acquired_at, last_tick
    session.flush()


class AdvisoryLock:
    """pg_try_advisory_lock on a connection of its own (not the pool's: a pooled connection would be
    handed to other work and the lock would follow it around)."""

    def __init__(
        self, url: str, *, keepalive_idle: int, keepalive_interval: int, keepalive_count: int
    ) -> None:
        self._keepalive = (keepalive_idle, keepalive_interval, keepalive_count)
        self._engine = create_engine(
            url,
            poolclass=NullPool,
            isolation_level="AUTOCOMMIT",  # no transaction stays open on the lock's connection
            connect_args={
                "connect_timeout": max(2, keepalive_idle),
                "keepalives": 1,
                "keepalives_idle": keepalive_idle,
                "keepalives_interval": keepalive_interval,
                "keepalives_count": keepalive_count,
            },
        )
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._engine.connect()
                idle, interval, count = self._keepalive
                # The server's side of the keepalive: it is what frees the lock of a leader whose
                # host vanished without closing its socket.
                self._connection.execute(text(f"SET tcp_keepalives_idle = {int(idle)}"))
                self._connection.execute(text(f"SET tcp_keepalives_interval = {int(interval)}"))
                self._connection.execute(text(f"SET tcp_keepalives_count = {int(count)}"))
            return bool(
                self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
                ).scalar()
            )
        except Exception:
            self._drop()
            raise

    def held(self) -> bool:
        """A session-level lock lasts as long as its session: a live connection still holds it."""
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - whatever broke the connection also freed the lock
            log.warning("the scheduler lock's connection failed", exc_info=True)
            self._drop()
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            except Exception:  # noqa: BLE001 - closing the connection below frees it anyway
                log.warning("could not unlock the scheduler lock; closing its connection", exc_info=True)
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - already broken
                pass

    def dispose(self) -> None:
        self._drop()
        self._engine.dispose()


@contextmanager
def migrating(url: str) -> Iterator[None]:
    """Replicas starting together each run the migrations: on PostgreSQL they queue on a lock so one
    applies them and the others find the database at head (Alembic alone would race on DDL)."""
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_KEY})
    finally:
        engine.dispose()
