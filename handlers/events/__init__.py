"""Events API events."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.slack import ids
from handlers.events import app_home, member_joined, reactions
from handlers.listener import event


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_MEMBER_JOINED)(event(ctx, member_joined.member_joined))
    # Not yet converted to the listener framework (issue 8): they register themselves.
    for module in (reactions, app_home):
        module.register(app, ctx)
