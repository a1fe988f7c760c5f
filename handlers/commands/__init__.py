"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.slack import ids
from handlers.commands import (
    attendance,
    coach,
    coaching_history,
    cohort,
    esp,
    failcert,
    forms,
    needhelp,
    progress,
    redflag,
    techissue,
)
from handlers.listener import command


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.FAILCERT)(command(ctx, failcert.failcert_command))
    app.command(ids.COHORT)(command(ctx, cohort.cohort_command))
    app.command(ids.COACH)(command(ctx, coach.coach_command))
    app.command(ids.COACHING)(command(ctx, coaching_history.coaching_command))
    app.command(ids.PROGRESS)(command(ctx, progress.progress_command))
    app.command(ids.ESP)(command(ctx, esp.esp_command))
    app.command(ids.FORMS)(command(ctx, forms.forms_command))
    app.command(ids.ATTENDANCE)(command(ctx, attendance.attendance_command))
    app.command(ids.REDFLAG)(command(ctx, redflag.redflag_command))
    app.command(ids.TECHISSUE)(command(ctx, techissue.techissue_command))
    app.command(ids.NEEDHELP)(command(ctx, needhelp.needhelp_command))
