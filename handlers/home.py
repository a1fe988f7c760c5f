"""The App Home, published when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.home import service as home
from bot.slack import ids
from handlers.listener import event
from handlers.replies import Nothing, PublishHome, Reply


# -- events: app_home ---------------------------------------------------------------------------
def app_home_opened(event: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    if event.get("tab", "home") != "home":
        return Nothing()
    return PublishHome(home.home_view(ctx, caller))


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_APP_HOME_OPENED)(event(ctx, app_home_opened))
