"""APScheduler 3's loop, made safe to share a job store and impossible to lose without notice.

APScheduler 3 calls `jobstore.update_job` / `scheduler.remove_job` inside `_process_jobs` with no
try around them, in its one loop thread: one JobLookupError or database error there ends the
thread for good while the process keeps answering Slack (agronholm/apscheduler#237). Three
causes meet in this bot, and each is removed where it arises:

- The job store is a table in a database other processes write too: a leader that has just lost
  its lock, the previous process during a rolling deploy, a standby taking over. A row can vanish
  between `get_due_jobs` and the update or remove that follows. `SharedJobStore` treats "already
  gone" as done, and a database error on that write as "try again on the next tick".
- `shutdown()` sets STATE_STOPPED without taking the job store lock, and the loop wakes and runs
  `_process_jobs` in that state (it only checks for PAUSED); `remove_job` then looks among the
  *pending* jobs and raises. `WatchedScheduler.shutdown` pauses under the store lock first, and
  `_process_jobs` does nothing once stopped.
- Our own reconcile mutates the store from a job thread; every mutation goes through the
  scheduler's API, which takes the same store lock as the loop, so the two serialise in-process.

What is left (a bug we did not foresee) is caught by the watchdog (scheduler/leadership.py),
which reads the tick this loop records every few seconds even when no job is due.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING, STATE_STOPPED
from sqlalchemy.exc import SQLAlchemyError

from bot.core import metrics

log = logging.getLogger(__name__)

# The loop wakes at least this often, due job or not, so a silent loop means a dead or stuck one.
TICK_SECONDS = 5.0


class SharedJobStore(SQLAlchemyJobStore):
    def update_job(self, job: Any) -> None:
        try:
            super().update_job(job)
        except JobLookupError:
            log.info(
                "job %s left the store while it ran (another process or a re-plan); nothing to update", job.id
            )
        except SQLAlchemyError:
            # The row keeps its old next run time, so the job is due again on the next tick; every
            # job repeats nothing (outbox keys), so running it twice costs a query, not a message.
            log.warning(
                "could not update job %s in the store; it will be looked at again", job.id, exc_info=True
            )

    def remove_job(self, job_id: str) -> None:
        try:
            super().remove_job(job_id)
        except JobLookupError:
            log.info("job %s was already gone from the store", job_id)
        except SQLAlchemyError:
            log.warning(
                "could not remove job %s from the store; it will be looked at again", job_id, exc_info=True
            )


class WatchedScheduler(BackgroundScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tick_seconds = TICK_SECONDS
        self._tick_lock = threading.Lock()
        self._last_tick = time.monotonic()
        self._last_tick_at = datetime.now(UTC)
        self.add_listener(_count_job_outcome, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        self._tick()
        wait = super()._process_jobs()
        return self.tick_seconds if wait is None else min(wait, self.tick_seconds)

    def _tick(self) -> None:
        now = datetime.now(UTC)
        with self._tick_lock:
            self._last_tick, self._last_tick_at = time.monotonic(), now
        metrics.LAST_TICK.set(now.timestamp())

    def shutdown(self, wait: bool = True) -> None:
        # Pausing under the store lock waits out a `_process_jobs` pass that is under way, so the
        # loop never sees STATE_STOPPED halfway through one.
        with self._jobstores_lock:
            if self.state == STATE_RUNNING:
                self.pause()
        super().shutdown(wait=wait)

    def seconds_since_tick(self) -> float:
        with self._tick_lock:
            return time.monotonic() - self._last_tick

    @property
    def last_tick_at(self) -> datetime:
        with self._tick_lock:
            return self._last_tick_at

    def loop_alive(self) -> bool:
        thread = getattr(self, "_thread", None)
        return thread is not None and thread.is_alive()


def _count_job_outcome(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        metrics.JOBS.labels("skipped_late").inc()
    elif event.code == EVENT_JOB_ERROR:
        metrics.JOBS.labels("failed").inc()
    else:
        metrics.JOBS.labels("run").inc()
