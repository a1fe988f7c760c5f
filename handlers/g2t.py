"""GoTo Training: the Join button on an agent's link DM opens the training in their browser;
Slack still sends the click, which is acked and nothing more (an unacked click shows a warning)."""

from __future__ import annotations

from slack_bolt import App

from bot.core.context import AppContext
from bot.slack import ids
from handlers.listener import action
from handlers.replies import Nothing, Reply


def join_clicked() -> Reply:
    return Nothing()


def register(app: App, ctx: AppContext) -> None:
    app.action(ids.ACTION_G2T_JOIN)(action(ctx, join_clicked))
