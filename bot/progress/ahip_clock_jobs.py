"""The AHIP clock and the Final CAP's catch-up in the day plan: checks at each break's start and
each day's end of the class's business days and after (training time stops there), when each
mark falls for a clock that started with the class, and when each agent's catch-up hours end.
Each check DMs the TL once per agent and mark passed, and the TL and PM once per catch-up ended."""

from __future__ import annotations

from datetime import datetime

from bot.coaching import catch_up
from bot.config.playbook import Playbook
from bot.core import job_context as runtime
from bot.core.unit_of_work import Caller
from bot.progress import clock_checks, timed_rules
from db.models import Cohort

FUNC = "bot.progress.ahip_clock_jobs:ahip_clock_check"


def check_times(cohort: Cohort, playbook: Playbook) -> list[datetime]:
    return sorted(set(timed_rules.check_times(cohort, playbook)) | set(catch_up.end_times(cohort, playbook)))


def ahip_clock_check(cohort_id: int) -> int:
    """DM the TL about every mark passed since the last check. Returns how many DMs were enqueued."""
    return clock_checks.check_cohort(runtime.current(), Caller.system(), cohort_id)
