"""The App Home, published when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.home import service as home
from bot.reports import tracker_download
from bot.slack import ids
from handlers.listener import action, event
from handlers.replies import Nothing, PublishHome, Reply, Say


# -- events: app_home ---------------------------------------------------------------------------
def app_home_opened(event: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    if event.get("tab", "home") != "home":
        return Nothing()
    return PublishHome(home.home_view(ctx, caller))


# -- actions: the tracker download --------------------------------------------------------------
def tracker_download_action(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    fmt: tracker_download.Format = "csv" if action.get("value") == "csv" else "xlsx"
    sent = tracker_download.send_tracker(ctx, caller, fmt)
    return Say(
        f":page_facing_up: Here is the ESP tracker ({sent.agents} agents in {sent.classes} class(es)): "
        f"`{sent.filename}` is in this DM."
    )


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_APP_HOME_OPENED)(event(ctx, app_home_opened))
    app.action(ids.ACTION_TRACKER_DOWNLOAD)(action(ctx, tracker_download_action))
    app.action(ids.ACTION_TRACKER_DOWNLOAD_CSV)(action(ctx, tracker_download_action))
