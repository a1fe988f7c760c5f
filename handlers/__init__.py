"""Bolt listeners only: parse, call one service function, render. Grouped by Slack surface, each
surface's `register` lists its listeners explicitly."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers import actions, commands, events, views
from handlers.listener import ignore_malformed, unhandled


def register_all(app: App, ctx: AppContext) -> None:
    app.middleware(ignore_malformed)
    app.error(unhandled)
    commands.register(app, ctx)
    actions.register(app, ctx)
    views.register(app, ctx)
    events.register(app, ctx)
