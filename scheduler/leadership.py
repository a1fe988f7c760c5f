"""Exactly one `training-day run` leads the scheduler; the others stand by and take over.

Every process serves Slack from its first second whatever happens here: the coordinator runs in
a thread of its own. It polls the election: a standby tries to lead; the leader checks it still
does, and watches its scheduler's loop (the watchdog). Who may lead is decided by the database
(bot/services/scheduler_lock.py says why an advisory lock on PostgreSQL, a lease row on SQLite).

Taking over re-derives the plan (runner.start_scheduler reconciles): a job whose moment passed
within its grace is due at once, so a prompt the dead leader missed goes out late rather than not
at all, and one it already sent is not sent again (every job sends through outbox keys).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from bot.core import metrics
from bot.core.context import AppContext
from db import scheduler_lease as scheduler_lock
from db.scheduler_lease import AdvisoryLock, SchedulerAlreadyRunning
from db.session import Database
from scheduler import runner as runner_module
from scheduler.runner import Runner

log = logging.getLogger(__name__)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Election(Protocol):
    def try_acquire(self) -> bool: ...
    def held(self) -> bool: ...
    def release(self) -> None: ...
    def close(self) -> None: ...


class PostgresElection:
    def __init__(self, db: Database, takeover_seconds: int) -> None:
        # A dead host is noticed after idle + interval * count: about half the takeover budget,
        # which leaves the rest for the standby's poll and the new scheduler's start.
        idle = max(1, takeover_seconds // 3)
        interval = max(1, takeover_seconds // 10)
        self._lock = AdvisoryLock(db.url, keepalive_idle=idle, keepalive_interval=interval, keepalive_count=2)

    def try_acquire(self) -> bool:
        return self._lock.try_acquire()

    def held(self) -> bool:
        return self._lock.held()

    def release(self) -> None:
        self._lock.release()

    def close(self) -> None:
        self._lock.dispose()


class Lease:
    """A row in scheduler_lock: owner + heartbeat. Taken over only when the heartbeat is stale."""

    def __init__(
        self, db: Database, ttl_seconds: int, clock_now: Callable[[], datetime] | None = None, owner: str = ""
    ) -> None:
        self.db = db
        self.ttl = timedelta(seconds=ttl_seconds)
        self.owner = owner or process_name()
        self._now = clock_now or (lambda: datetime.now(UTC))

    def acquire(self) -> None:
        now = self._now()
        try:
            with self.db.session() as session:
                scheduler_lock.acquire(session, owner=self.owner, now=now, ttl=self.ttl)
        except IntegrityError as exc:  # another process inserted the first lock row at the same moment
            with self.db.session() as session:
                row = scheduler_lock.holder(session)
                who, at = (row.owner, row.heartbeat_at) if row else ("another process", now)
            raise SchedulerAlreadyRunning(scheduler_lock.refusal(who, at, self.ttl)) from exc

    def beat(self) -> bool:
        """Refresh the heartbeat; False if another process took the lock over."""
        with self.db.session() as session:
            return scheduler_lock.beat(session, owner=self.owner, now=self._now())

    def release(self) -> None:
        with self.db.session() as session:
            scheduler_lock.release(session, owner=self.owner)


class LeaseElection:
    """SQLite: the embedded, single-process default. A second process over the same file stands by
    and leads once the first has stopped beating for the TTL (or released the row on its way out)."""

    def __init__(self, db: Database, ttl_seconds: int, owner: str) -> None:
        self.lease = Lease(db, ttl_seconds, owner=owner)

    def try_acquire(self) -> bool:
        try:
            self.lease.acquire()
            return True
        except SchedulerAlreadyRunning:
            return False

    def held(self) -> bool:
        return self.lease.beat()

    def release(self) -> None:
        self.lease.release()

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Status:
    role: str  # "leader" | "standby" | "stopped"
    owner: str
    loop_alive: bool | None  # None when not leading
    last_tick_at: datetime | None


class Coordinator:
    def __init__(
        self,
        ctx: AppContext,
        *,
        election: Election | None = None,
        poll_seconds: float | None = None,
        watchdog_seconds: float | None = None,
        paused: bool = False,
    ) -> None:
        settings = ctx.settings
        self.ctx = ctx
        self.owner = process_name()
        if election is None:
            if ctx.db.url.startswith("sqlite"):
                election = LeaseElection(ctx.db, settings.scheduler_lock_ttl_seconds, self.owner)
            else:
                election = PostgresElection(ctx.db, settings.scheduler_takeover_seconds)
        self.election = election
        self._postgres = isinstance(election, PostgresElection)
        if poll_seconds is None:
            poll_seconds = max(1.0, settings.scheduler_takeover_seconds / 6)
            if not self._postgres:  # a lease is kept alive by the same poll: beat well within its TTL
                poll_seconds = min(poll_seconds, settings.scheduler_lock_ttl_seconds / 3)
        self.poll_seconds = poll_seconds
        self.watchdog_seconds = watchdog_seconds or settings.scheduler_watchdog_seconds
        self.paused = paused
        self.runner: Runner | None = None
        self._led_since: datetime | None = None
        self._cooldown_until = 0.0
        self._state_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Coordinator:
        self._thread = threading.Thread(target=self._loop, name="scheduler-leadership", daemon=True)
        self._thread.start()
        return self

    def stop(self, job_grace: float = 10.0) -> None:
        """Give leadership up for a standby to take it: stop the loop, let the jobs under way finish
        (at most `job_grace` seconds), release the lock."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_seconds + 30)
        with self._state_lock:
            runner, self.runner = self.runner, None
        if runner is not None:
            _bounded(lambda: runner.shutdown(wait=True), job_grace, "waiting for the jobs under way")
            self._release()
            metrics.LEADER_CHANGES.inc()
            log.info("scheduler leadership released")
        self.election.close()

    def step(self) -> None:
        """One poll: a standby tries to lead; the leader checks its lock and its loop."""
        with self._state_lock:
            runner = self.runner
        if runner is None:
            self._try_to_lead()
        else:
            self._watch(runner)

    # -- what /healthz reads ----------------------------------------------------------------------
    def status(self) -> Status:
        with self._state_lock:
            runner = self.runner
        if self._stop.is_set() and runner is None:
            return Status("stopped", self.owner, None, None)
        if runner is None:
            return Status("standby", self.owner, None, None)
        return Status("leader", self.owner, runner.scheduler.loop_alive(), runner.scheduler.last_tick_at)

    # -- inside ---------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:  # noqa: BLE001 - the database may be down: try again next poll
                log.exception("scheduler leadership poll failed")
            self._stop.wait(self.poll_seconds)

    def _try_to_lead(self) -> None:
        if time.monotonic() < self._cooldown_until or self._stop.is_set():
            return
        if not self.election.try_acquire():
            return
        try:
            runner = runner_module.start_scheduler(self.ctx, paused=self.paused)
        except Exception:
            self._release()
            raise
        with self._state_lock:
            self.runner = runner
            self._led_since = datetime.now(UTC)
        metrics.LEADER_CHANGES.inc()
        metrics.IS_LEADER.set(1)
        log.warning("this process (%s) now leads the scheduler", self.owner)
        self._record(runner)

    def _watch(self, runner: Runner) -> None:
        if not self.election.held():
            log.error("lost the scheduler lock (its database connection broke); stopping this scheduler")
            self._abandon(runner, release=False)
            return
        scheduler = runner.scheduler
        if not scheduler.loop_alive():
            log.error("the scheduler's loop thread died; the watchdog starts a new scheduler")
            metrics.WATCHDOG_ACTIONS.labels("restarted").inc()
            _bounded(runner.shutdown, 5, "stopping the dead scheduler")
            new = runner_module.start_scheduler(self.ctx, paused=self.paused)
            with self._state_lock:
                self.runner = new
            return
        silent = scheduler.seconds_since_tick()
        if silent > self.watchdog_seconds:
            # A loop that is alive but silent is stuck inside a call (a hung query holding the store
            # lock): it cannot be stopped from outside, so let another process lead, and wait a
            # takeover's time before trying again, so that one gets the chance.
            log.error(
                "the scheduler's loop has not ticked for %.0f s (watchdog: %s s); giving up leadership",
                silent,
                self.watchdog_seconds,
            )
            metrics.WATCHDOG_ACTIONS.labels("gave_up_leadership").inc()
            self._abandon(runner, release=True)
            self._cooldown_until = time.monotonic() + max(
                self.poll_seconds * 3, self.ctx.settings.scheduler_takeover_seconds
            )
            return
        self._record(runner)

    def _abandon(self, runner: Runner, *, release: bool) -> None:
        with self._state_lock:
            self.runner = None
        # Never wait here: a stuck loop holds the lock shutdown needs.
        threading.Thread(target=runner.shutdown, name="scheduler-abandon", daemon=True).start()
        if release:
            self._release()
        metrics.LEADER_CHANGES.inc()
        metrics.IS_LEADER.set(0)

    def _release(self) -> None:
        metrics.IS_LEADER.set(0)
        try:
            self.election.release()
        except Exception:  # noqa: BLE001 - a lost connection releases it too
            log.warning("could not release the scheduler lock cleanly", exc_info=True)

    def _record(self, runner: Runner) -> None:
        if not self._postgres:
            return  # on SQLite the lease row is the lock; the poll's beat already wrote it
        with self.ctx.db.session() as session:
            scheduler_lock.record_leader(
                session,
                owner=self.owner,
                acquired_at=self._led_since or datetime.now(UTC),
                last_tick=runner.scheduler.last_tick_at,
            )


def _bounded(work: Callable[[], None], seconds: float, what: str) -> None:
    thread = threading.Thread(target=work, name="scheduler-stop", daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    if thread.is_alive():
        log.warning("gave up %s after %.0f s", what, seconds)
