"""The one scheduler of the bot process: APScheduler 3 over a SQLAlchemy job store in the bot's
own database, guarded by a lock row so a second process refuses to start another one.

The database is the source of truth and the job store only a schedule: at start (and every few
minutes) the plan is re-derived from the cohorts with deterministic ids and `replace_existing`, so
a job the store dropped comes back, and a job no longer in the plan is removed. Jobs whose moment
passed more than their grace ago are not re-added; APScheduler skips and logs one that wakes late.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import IntegrityError

from bot.context import AppContext
from bot.services import scheduler_lock
from bot.services.scheduler_lock import SchedulerAlreadyRunning
from db.job_store import JOB_TABLE, stored_job_ids
from db.session import Database
from scheduler import plan, runtime

log = logging.getLogger(__name__)

# Housekeeping: how often failed DMs are retried, how often the cohorts are checked for a change
# (a cohort created or edited by any process is planned within that time), and the full re-plan.
OUTBOX_RETRY_SECONDS = 60
PLAN_WATCH_SECONDS = 15
RECONCILE_SECONDS = 300
G2T_SYNC_SECONDS = 300

_active_lock = threading.Lock()
_active: Runner | None = None


def active() -> Runner | None:
    with _active_lock:
        return _active


# -- the lock ---------------------------------------------------------------------------------
class Lease:
    """A row in scheduler_lock: owner + heartbeat. Taken over only when the heartbeat is stale."""

    def __init__(self, db: Database, ttl_seconds: int, clock_now=None) -> None:  # type: ignore[no-untyped-def]
        from datetime import datetime

        self.db = db
        self.ttl = timedelta(seconds=ttl_seconds)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._now = clock_now or (lambda: datetime.now(UTC))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

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

    def start_heartbeat(self, on_lost) -> None:  # type: ignore[no-untyped-def]
        interval = max(1.0, self.ttl.total_seconds() / 3)

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    if not self.beat():
                        log.error("lost the scheduler lock to another process; stopping this scheduler")
                        on_lost()
                        return
                except Exception:  # noqa: BLE001 - a database hiccup: try again next beat
                    log.exception("scheduler heartbeat failed")

        self._thread = threading.Thread(target=loop, name="scheduler-heartbeat", daemon=True)
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        with self.db.session() as session:
            scheduler_lock.release(session, owner=self.owner)


# -- the scheduler ----------------------------------------------------------------------------
def build_scheduler(ctx: AppContext) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=ctx.db.engine, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(4)},
        # Coalesce: a job that missed several runs runs once. Each planned job carries its own
        # misfire grace (see scheduler/plan.py); this default only covers the housekeeping jobs.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30},
        timezone=UTC,
    )


@dataclass
class ReconcileResult:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class Runner:
    ctx: AppContext
    scheduler: BackgroundScheduler
    lease: Lease | None = None
    _fingerprint: tuple[int, str] | None = None
    _reconciled_at: float = 0.0

    def reconcile_if_changed(self) -> ReconcileResult | None:
        """Re-plan when a cohort changed since the last plan, and every RECONCILE_SECONDS anyway."""
        from bot.services import cohorts

        with self.ctx.db.session() as session:
            fingerprint = cohorts.plan_fingerprint(session)
        stale = time.monotonic() - self._reconciled_at >= RECONCILE_SECONDS
        if fingerprint == self._fingerprint and not stale:
            return None
        result = self.reconcile()
        self._fingerprint, self._reconciled_at = fingerprint, time.monotonic()
        return result

    def reconcile(self, cohort_id: int | None = None) -> ReconcileResult:
        """Make the job store match the plan: every job still runnable (future, or due within its
        grace) is there with its planned time; cohort jobs not in the plan, or expired, are removed.
        With cohort_id, only that cohort's jobs are touched."""
        ctx = self.ctx
        now = ctx.clock.now()
        with ctx.db.session() as session:
            if cohort_id is None:
                wanted = plan.plan_all(session, ctx.playbook)
            else:
                from bot.services import cohorts

                wanted = plan.plan_cohort(cohorts.by_id(session, cohort_id), ctx.playbook)
        wanted = [j for j in wanted if not j.expired_at(now)]
        prefix = "cohort:" if cohort_id is None else f"cohort:{cohort_id}:"
        stored = {job.id: job for job in self.scheduler.get_jobs() if job.id.startswith(prefix)}
        result = ReconcileResult()
        for job in wanted:
            existing = stored.pop(job.id, None)
            if (
                existing is not None
                and existing.func_ref == job.func
                and tuple(existing.args) == job.args
                and existing.trigger.run_date == job.run_at
                and existing.misfire_grace_time == job.grace_seconds
            ):
                result.unchanged += 1
                continue
            self.scheduler.add_job(
                job.func,
                trigger=DateTrigger(run_date=job.run_at, timezone=UTC),
                args=job.args,
                id=job.id,
                name=job.id,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=job.grace_seconds,
            )
            (result.replaced if existing is not None else result.added).append(job.id)
        for job_id in stored:
            self.scheduler.remove_job(job_id)
            result.removed.append(job_id)
        if result.added or result.replaced or result.removed:
            log.info(
                "plan reconciled: %d added, %d moved, %d removed, %d unchanged",
                len(result.added),
                len(result.replaced),
                len(result.removed),
                result.unchanged,
            )
        return result

    def add_housekeeping(self) -> None:
        self.scheduler.add_job(
            "scheduler.jobs:retry_outbox",
            trigger=IntervalTrigger(seconds=OUTBOX_RETRY_SECONDS),
            id="outbox:retry",
            name="outbox:retry",
            replace_existing=True,
        )
        # GoTo Training (issue 10): registrations GoTo missed, moved schedules, pending reports.
        self.scheduler.add_job(
            "scheduler.g2t:sync",
            trigger=IntervalTrigger(seconds=G2T_SYNC_SECONDS),
            id="g2t:sync",
            name="g2t:sync",
            replace_existing=True,
        )
        self.scheduler.add_job(
            "scheduler.jobs:reconcile",
            trigger=IntervalTrigger(seconds=PLAN_WATCH_SECONDS),
            id="plan:reconcile",
            name="plan:reconcile",
            replace_existing=True,
        )
        self._add_sheet_sync_jobs()

    def _add_sheet_sync_jobs(self) -> None:
        """The Google Sheet sync (issue 12): push every few seconds, pull every few minutes."""
        if not self.ctx.settings.sheet_sync_enabled():
            return
        from scheduler import sheet_jobs

        policy = self.ctx.playbook.sheet_sync
        for func, job_id, trigger in (
            (
                "scheduler.sheet_jobs:push_sheet",
                sheet_jobs.PUSH_JOB_ID,
                IntervalTrigger(seconds=policy.push_every_seconds),
            ),
            (
                "scheduler.sheet_jobs:pull_sheet",
                sheet_jobs.PULL_JOB_ID,
                IntervalTrigger(minutes=policy.pull_every_minutes),
            ),
        ):
            self.scheduler.add_job(func, trigger=trigger, id=job_id, name=job_id, replace_existing=True)

    def shutdown(self) -> None:
        global _active
        with _active_lock:
            if _active is self:
                _active = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.lease is not None:
            self.lease.release()


def start_scheduler(ctx: AppContext, *, paused: bool = False) -> Runner:
    """Take the lock, start APScheduler, reconcile the plan. Raises SchedulerAlreadyRunning when
    another live process holds the lock."""
    global _active
    runtime.install(ctx)
    lease = Lease(ctx.db, ctx.settings.scheduler_lock_ttl_seconds)
    lease.acquire()
    scheduler = build_scheduler(ctx)
    runner = Runner(ctx=ctx, scheduler=scheduler, lease=lease)
    try:
        scheduler.start(paused=True)
        runner.reconcile()
        runner.add_housekeeping()
        if not paused:
            scheduler.resume()
    except BaseException:
        runner.shutdown()
        raise
    lease.start_heartbeat(runner.shutdown)
    with _active_lock:
        _active = runner
    log.info("scheduler started (%d jobs), lock held as %s", len(scheduler.get_jobs()), lease.owner)
    return runner


def store_job_ids(ctx: AppContext) -> list[str]:
    """The ids in the job store table (for checks and tests), without starting a scheduler."""
    return stored_job_ids(ctx.db.engine, JOB_TABLE)
