"""Events API events."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.slack import ids
from handlers.events import app_home, member_joined, reactions, user_change
from handlers.listener import event


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_MEMBER_JOINED)(event(ctx, member_joined.member_joined))
    app.event(ids.EVENT_REACTION_ADDED)(event(ctx, reactions.reaction_event))
    app.event(ids.EVENT_REACTION_REMOVED)(event(ctx, reactions.reaction_event))
    app.event(ids.EVENT_APP_HOME_OPENED)(event(ctx, app_home.app_home_opened))
    app.event(ids.EVENT_USER_CHANGE)(event(ctx, user_change.user_change_event))
