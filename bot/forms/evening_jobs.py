"""The evening check jobs: the TL's checklist DM at each training day's end, and one reminder
`evening_check.reminder_after_minutes` later (30 by default), sent only when the first check found something and something is still open.
Nothing is sent when all is done. Each DM goes once (outbox keys per cohort and day)."""

from __future__ import annotations

from bot.core import outbox
from bot.core.job_context import current
from bot.core.unit_of_work import Caller
from bot.forms import evening_check as checks
from scheduler.daily_job import DailyJob

EVENING_CHECK = DailyJob(
    name="evening-check", func="bot.forms.evening_jobs:evening_check", anchor="day_end", offset_minutes=0
)
EVENING_REMINDER = DailyJob(
    name="evening-reminder",
    func="bot.forms.evening_jobs:evening_reminder",
    anchor="day_end",
    offset_minutes=lambda playbook: playbook.evening_check.reminder_after_minutes,
)


def evening_check(cohort_id: int, day: int) -> bool:
    """Send the TL the day's checklist if anything is open; True when a DM is on its way (or had gone)."""
    return checks.send_checklist(current(), Caller.system(), cohort_id, day, reminder=False)


def evening_reminder(cohort_id: int, day: int) -> bool:
    ctx = current()
    if not outbox.already_sent(ctx.db, checks.check_key(cohort_id, day)):
        return False  # the first check found everything done
    return checks.send_checklist(ctx, Caller.system(), cohort_id, day, reminder=True)
