"""People: a person's profile changes (their timezone) follow `user_change`."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.people import clock as person_clock
from bot.slack import ids
from handlers.listener import event
from handlers.replies import Nothing, Reply


# -- events: user_change ------------------------------------------------------------------------
def user_change_event(event: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    user = event.get("user")
    if isinstance(user, dict):
        person_clock.user_changed(ctx, caller, user)
    return Nothing()


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_USER_CHANGE)(event(ctx, user_change_event))
