"""What the training day runs beside its prompts, listed explicitly (no registration at import).

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

from scheduler import ahip_clock, evening_check, g2t, help_queue_report, timeframe
from scheduler.daily_job import CohortJob, DailyJob, EndOfDaySection

DAILY_JOBS: tuple[DailyJob, ...] = (
    timeframe.TIMEFRAME_CHECK,
    evening_check.EVENING_CHECK,
    evening_check.EVENING_REMINDER,
    # GoTo Training (issue 10)
    g2t.START_LINK_EVE,
    g2t.START_LINK,
    g2t.ATTENDANCE,
)

END_OF_DAY_SECTIONS: tuple[EndOfDaySection, ...] = (
    help_queue_report.help_queue_section,
    timeframe.behind_pace,
    g2t.report_pending,  # GoTo Training (issue 10)
)

# The AHIP clock (issue 13): its checks run on the business days after the class too.
COHORT_JOBS: tuple[CohortJob, ...] = (
    CohortJob(name="ahip-clock", func=ahip_clock.FUNC, times=ahip_clock.check_times),
)
