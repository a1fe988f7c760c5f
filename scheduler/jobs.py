"""The one list of the features' jobs, explicit (no registration at import), and the engine's own.

- DAILY_JOBS: a job per training day, anchored at day start or day end with an offset. The
  planner gives each a stable id `cohort:{cohort_id}:day:{day}:{name}` and calls
  `func(cohort_id, day)` (func is a 'module:function' string; day counts from 1).
- COHORT_JOBS: a job at times of its own for each cohort (`times(cohort, playbook)`), which may
  fall after the class's last day; id `cohort:{cohort_id}:{name}:{YYYYmmddTHHMM}`, `func(cohort_id)`.
- END_OF_DAY_SECTIONS: functions (session, ctx, cohort_id, day) -> list of Block Kit blocks,
  appended to the TL's end-of-day DM, in order. Each runs under its own guard, so one broken
  section does not cost the TL the report.
"""

from __future__ import annotations

from bot.certs import jobs as certs_jobs
from bot.class_day import jobs as class_day_jobs
from bot.coaching import jobs as coaching_jobs
from bot.core import file_outbox, outbox
from bot.core.job_context import current
from bot.forms import evening_jobs as evening_check
from bot.g2t import jobs as g2t
from bot.help_queue import report as help_queue_report
from bot.progress import ahip_clock_jobs as ahip_clock
from bot.progress import timeframe_jobs as timeframe
from bot.records import jobs as records_jobs
from scheduler.daily_job import CohortJob, DailyJob, EndOfDaySection, HousekeepingJob

DAILY_JOBS: tuple[DailyJob, ...] = (
    timeframe.TIMEFRAME_CHECK,
    evening_check.EVENING_CHECK,
    evening_check.EVENING_REMINDER,
    # GoTo Training
    g2t.START_LINK_EVE,
    g2t.START_LINK,
    g2t.ATTENDANCE,
)

END_OF_DAY_SECTIONS: tuple[EndOfDaySection, ...] = (
    help_queue_report.help_queue_section,
    timeframe.behind_pace,
    g2t.report_pending,  # GoTo Training
)

# The AHIP clock: its checks run on the business days after the class too.
COHORT_JOBS: tuple[CohortJob, ...] = (
    CohortJob(name="ahip-clock", func=ahip_clock.FUNC, times=ahip_clock.check_times),
    # A carrier's block lifts on January 1: its tracker item moves back to in progress.
    CohortJob(name="block-lift", func=certs_jobs.LIFT_FUNC, times=certs_jobs.lift_times),
)

# Jobs about no class in particular: CAPs not acknowledged in time (hourly), retention (daily).
HOUSEKEEPING_JOBS: tuple[HousekeepingJob, ...] = (
    HousekeepingJob(
        job_id=coaching_jobs.UNACKNOWLEDGED_JOB_ID, func=coaching_jobs.UNACKNOWLEDGED_FUNC, minute=20
    ),
    HousekeepingJob(
        job_id=records_jobs.RETENTION_JOB_ID,
        func=records_jobs.RETENTION_FUNC,
        hour=lambda playbook: playbook.retention.run_at_hour,
        minute=10,
    ),
)


# -- the engine's own jobs ----------------------------------------------------------------
def retry_outbox() -> None:
    ctx = current()
    outbox.retry_failed(ctx.db, ctx.client, ctx.clock.now())
    file_outbox.retry_failed(ctx.db, ctx.client, ctx.clock.now())


def end_of_day(cohort_id: int, day: int) -> None:
    """The TL's end-of-day DM, with each feature's section of END_OF_DAY_SECTIONS."""
    class_day_jobs.end_of_day(cohort_id, day, END_OF_DAY_SECTIONS)
