"""The managers' morning report job: runs each morning at the playbook's time (a housekeeping cron
job, id `report:morning`); `send_report` takes only the date, so a rerun repeats nothing."""

from __future__ import annotations

from datetime import date

from bot.core.timefmt import local
from bot.services import morning_report
from scheduler.runtime import current

JOB_ID = "report:morning"
FUNC = "scheduler.morning_report:send_today"


def send_report(day: str) -> None:
    morning_report.send(current(), date.fromisoformat(day))


def send_today() -> None:
    ctx = current()
    policy = ctx.playbook.morning_report
    today = local(ctx.clock.now(), policy.timezone).date()
    if policy.weekdays_only and today.weekday() >= 5:
        return
    send_report(today.isoformat())
