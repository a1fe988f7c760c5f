"""Buttons (block_actions)."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.slack import ids
from handlers.actions import (
    catch_up,
    coach_open,
    forms,
    help_queue,
    mia,
    production,
    red_flags,
    sheet_take_value,
)
from handlers.listener import action


def register(app: App, ctx: AppContext) -> None:
    app.action(ids.ACTION_COACH_OPEN)(action(ctx, coach_open.coach_open_clicked))
    opened = action(ctx, forms.form_button_clicked)
    for action_id in ids.ACTION_FORM_OPEN.values():
        app.action(action_id)(opened)
    app.action(ids.ACTION_MIA_EXCUSE)(action(ctx, mia.mia_excuse))
    app.action(ids.ACTION_MIA_PRESENT)(action(ctx, mia.mia_present))
    app.action(ids.ACTION_REDFLAG_RESOLVE)(action(ctx, red_flags.redflag_resolve_button))
    app.action(ids.ACTION_HELP_STILL_STUCK)(action(ctx, help_queue.still_stuck))
    app.action(ids.ACTION_HELP_CLAIM)(action(ctx, help_queue.claim_button))
    app.action(ids.ACTION_HELP_RESOLVE)(action(ctx, help_queue.resolve_button))
    app.action(ids.ACTION_SHEET_TAKE_VALUE)(action(ctx, sheet_take_value.take_sheet_value))
    app.action(ids.ACTION_CATCHUP_OPEN)(action(ctx, catch_up.catch_up_open_clicked))  # issue 13
    app.action(ids.ACTION_MOVED_TO_PRODUCTION)(action(ctx, production.moved_to_production_action))
