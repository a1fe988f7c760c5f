"""Events API events."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers.events import app_home, member_joined, reactions


def register(app: App, ctx: AppContext) -> None:
    # Not yet converted to the listener framework (issue 8): they register themselves.
    for module in (member_joined, reactions, app_home):
        module.register(app, ctx)
