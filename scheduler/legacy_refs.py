"""Where each job function lived before the features got packages of their own.

APScheduler stores a job's function as a 'module:function' string. A job store written by the
previous release still names the old modules; the runner rewrites those rows before its scheduler
loads them, so a restart on the new release keeps every stored job. Kept for one release."""

from __future__ import annotations

_CLASS_DAY = ("morning_post", "raise_prompt", "lower_prompt", "mark_tardy", "mark_absent", "check_break")

LEGACY_REFS: dict[str, str] = {
    **{f"scheduler.jobs:{name}": f"bot.class_day.jobs:{name}" for name in _CLASS_DAY},
    "scheduler.jobs:send_g2t_links": "bot.g2t.jobs:send_g2t_links",
    "scheduler.jobs:reconcile": "scheduler.runner:replan",
    **{
        f"scheduler.g2t:{name}": f"bot.g2t.jobs:{name}"
        for name in ("start_link_eve", "start_link", "attendance_report", "sync")
    },
    "scheduler.timeframe:timeframe_check": "bot.progress.timeframe_jobs:timeframe_check",
    "scheduler.ahip_clock:ahip_clock_check": "bot.progress.ahip_clock_jobs:ahip_clock_check",
    "scheduler.evening_check:evening_check": "bot.forms.evening_jobs:evening_check",
    "scheduler.evening_check:evening_reminder": "bot.forms.evening_jobs:evening_reminder",
    "scheduler.morning_report:send_today": "bot.reports.morning_jobs:send_today",
    "scheduler.morning_report:send_report": "bot.reports.morning_jobs:send_report",
    "scheduler.sheet_jobs:push_sheet": "bot.sheet_sync.jobs:push_sheet",
    "scheduler.sheet_jobs:pull_sheet": "bot.sheet_sync.jobs:pull_sheet",
}
