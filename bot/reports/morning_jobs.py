"""The managers' morning report job: runs each morning at the playbook's time (a housekeeping cron
job, id `report:morning`); `send_report` takes only the date, so a rerun repeats nothing. The
report's pictures follow it, as PNG files in the same DM."""

from __future__ import annotations

from datetime import date

from bot.core.job_context import current
from bot.core.timefmt import local
from bot.core.unit_of_work import Caller
from bot.pictures import service as pictures
from bot.reports import morning_report

JOB_ID = "report:morning"
FUNC = "bot.reports.morning_jobs:send_today"


def send_report(day: str) -> None:
    ctx, today = current(), date.fromisoformat(day)
    morning_report.send_report(ctx, Caller.system(), today)
    # After the report's text: its funnel and attendance maps, once per person and day.
    pictures.send_morning(ctx, today, morning_report.picture_recipients(ctx, Caller.system(), today))


def send_today() -> None:
    ctx = current()
    policy = ctx.playbook.morning_report
    today = local(ctx.clock.now(), policy.timezone).date()
    if policy.weekdays_only and today.weekday() >= 5:
        return
    send_report(today.isoformat())
