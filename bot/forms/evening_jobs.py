"""The evening check jobs: the TL's checklist DM at each training day's end, and one reminder
`evening_check.reminder_after_minutes` later (30 by default), sent only when the first check found something and something is still open.
Nothing is sent when all is done. Each DM goes once (outbox keys per cohort and day)."""

from __future__ import annotations

from bot.cohorts import service as cohorts
from bot.core import outbox
from bot.core.context import AppContext
from bot.core.job_context import current
from bot.forms import evening_blocks
from bot.forms.evening_check import checklist
from bot.forms.types import Checklist
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


def check_key(cohort_id: int, day: int) -> str:
    return f"evening:{cohort_id}:day:{day}:check"


def reminder_key(cohort_id: int, day: int) -> str:
    return f"evening:{cohort_id}:day:{day}:reminder"


def evening_check(cohort_id: int, day: int) -> bool:
    """Send the TL the day's checklist if anything is open; True when a DM went (or had gone)."""
    return _send(current(), cohort_id, day, reminder=False)


def evening_reminder(cohort_id: int, day: int) -> bool:
    ctx = current()
    if not outbox.already_sent(ctx.db, check_key(cohort_id, day)):
        return False  # the first check found everything done
    return _send(ctx, cohort_id, day, reminder=True)


def _send(ctx: AppContext, cohort_id: int, day: int, *, reminder: bool) -> bool:
    with ctx.db.session() as session:
        found = checklist(session, ctx.playbook, cohort_id, day)
        tl = cohorts.by_id(session, cohort_id).tl.slack_user_id
    if found.done:
        return False
    text, blocks = _render(found, reminder=reminder)
    key = reminder_key(cohort_id, day) if reminder else check_key(cohort_id, day)
    outcome = outbox.send_once(
        ctx.db,
        ctx.client,
        key=key,
        kind="evening.reminder" if reminder else "evening.check",
        recipient=tl,
        text=text,
        blocks=blocks,
        now=ctx.clock.now(),
    )
    return outcome.sent or outcome.duplicate


def _render(found: Checklist, *, reminder: bool) -> tuple[str, list[dict]]:
    flags = [f"{c.agent_name}: {c.description} (raised by {c.raised_by})" for c in found.open_flags]
    return evening_blocks.checklist(
        cohort_name=found.cohort_name,
        day=found.day,
        date_text=found.date_text,
        missing_forms=found.missing_forms,
        stale_tracker=found.stale_tracker,
        open_flags=flags,
        reminder=reminder,
    )
