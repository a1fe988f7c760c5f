"""The scheduler of the leading process: APScheduler 3 over a SQLAlchemy job store in the bot's own
database. Only the leader runs one (scheduler/leadership.py decides who leads).

The database is the source of truth and the job store only a schedule: at start (and every few
minutes) the plan is re-derived from the cohorts with deterministic ids and `replace_existing`, so
a job the store dropped comes back, and a job no longer in the plan is removed. Jobs whose moment
passed more than their grace ago are not re-added; APScheduler skips and logs one that wakes late.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.cohorts import service as cohorts
from bot.core import job_context as runtime
from bot.core import log_context
from bot.core.context import AppContext
from bot.reports import morning_jobs as morning_report
from bot.sheet_sync import jobs as sheet_jobs
from db.job_store import JOB_TABLE, rewrite_func_refs, stored_job_ids
from scheduler import jobs, plan
from scheduler.legacy_refs import LEGACY_REFS
from scheduler.loop import SharedJobStore, WatchedScheduler

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


# -- the scheduler ----------------------------------------------------------------------------
class _JobContextPool(concurrent.futures.ThreadPoolExecutor):
    """Runs each job in a fresh context naming it (and its class), for its log lines."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        job_id = getattr(args[0], "id", None) if args else None
        return super().submit(contextvars.Context().run, _as_job, job_id, fn, *args, **kwargs)


def _as_job(job_id: str | None, fn: Any, *args: Any, **kwargs: Any) -> Any:
    if job_id:
        log_context.bind_job(str(job_id))
    return fn(*args, **kwargs)


class JobExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers)
        self._pool = _JobContextPool(max_workers)


def build_scheduler(ctx: AppContext) -> WatchedScheduler:
    return WatchedScheduler(
        jobstores={"default": SharedJobStore(engine=ctx.db.engine, tablename=JOB_TABLE)},
        executors={"default": JobExecutor(4)},
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
    scheduler: WatchedScheduler
    _fingerprint: tuple[int, str] | None = None
    _reconciled_at: float = 0.0

    def reconcile_if_changed(self) -> ReconcileResult | None:
        """Re-plan when a cohort changed since the last plan, and every RECONCILE_SECONDS anyway."""
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
        # GoTo Training: registrations GoTo missed, moved schedules, pending reports.
        self.scheduler.add_job(
            "bot.g2t.jobs:sync",
            trigger=IntervalTrigger(seconds=G2T_SYNC_SECONDS),
            id="g2t:sync",
            name="g2t:sync",
            replace_existing=True,
        )
        self.scheduler.add_job(
            "scheduler.runner:replan",
            trigger=IntervalTrigger(seconds=PLAN_WATCH_SECONDS),
            id="plan:reconcile",
            name="plan:reconcile",
            replace_existing=True,
        )
        self._add_sheet_sync_jobs()
        self.add_morning_report()
        for job in jobs.HOUSEKEEPING_JOBS:
            hour = job.at_hour(self.ctx.playbook)
            self.scheduler.add_job(
                job.func,
                trigger=CronTrigger(hour="*" if hour is None else hour, minute=job.minute, timezone="UTC"),
                id=job.job_id,
                name=job.job_id,
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=3600,
            )

    def _add_sheet_sync_jobs(self) -> None:
        """The Google Sheet sync: push every few seconds, pull every few minutes."""
        if not self.ctx.settings.sheet_sync_enabled():
            return
        policy = self.ctx.playbook.sheet_sync
        for func, job_id, trigger in (
            (
                "bot.sheet_sync.jobs:push_sheet",
                sheet_jobs.PUSH_JOB_ID,
                IntervalTrigger(seconds=policy.push_every_seconds),
            ),
            (
                "bot.sheet_sync.jobs:pull_sheet",
                sheet_jobs.PULL_JOB_ID,
                IntervalTrigger(minutes=policy.pull_every_minutes),
            ),
        ):
            self.scheduler.add_job(func, trigger=trigger, id=job_id, name=job_id, replace_existing=True)

    def add_morning_report(self) -> None:
        """The managers' morning report, daily at the playbook's time in its timezone."""
        policy = self.ctx.playbook.morning_report
        self.scheduler.add_job(
            morning_report.FUNC,
            trigger=CronTrigger(hour=policy.at.hour, minute=policy.at.minute, timezone=policy.timezone),
            id=morning_report.JOB_ID,
            name=morning_report.JOB_ID,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=3 * 3600,
        )

    def shutdown(self, wait: bool = False) -> None:
        """Stop the loop; with `wait`, also let the jobs under way finish."""
        global _active
        with _active_lock:
            if _active is self:
                _active = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)


def start_scheduler(ctx: AppContext, *, paused: bool = False) -> Runner:
    """Start APScheduler and reconcile the plan. The caller must lead (scheduler/leadership.py):
    two schedulers over one job store would run every job twice."""
    global _active
    runtime.install(ctx)
    moved = rewrite_func_refs(ctx.db.engine, LEGACY_REFS)
    if moved:
        log.info("job store: %d jobs point at their functions' new modules", len(moved))
    scheduler = build_scheduler(ctx)
    runner = Runner(ctx=ctx, scheduler=scheduler)
    try:
        scheduler.start(paused=True)
        runner.reconcile()
        runner.add_housekeeping()
        if not paused:
            scheduler.resume()
    except BaseException:
        runner.shutdown()
        raise
    with _active_lock:
        _active = runner
    log.info("scheduler started (%d jobs)", len(scheduler.get_jobs()))
    return runner


def replan() -> None:
    """The plan watch: re-derive the plan when the cohorts changed (cohorts created by any process)."""
    runner = active()
    if runner is not None:
        runner.reconcile_if_changed()


def store_job_ids(ctx: AppContext) -> list[str]:
    """The ids in the job store table (for checks and tests), without starting a scheduler."""
    return stored_job_ids(ctx.db.engine, JOB_TABLE)
