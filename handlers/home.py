"""The App Home, published when someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.home import service as home
from bot.home import settings as notification_settings
from bot.home import settings_blocks
from bot.reports import tracker_download
from bot.slack import ids
from bot.slack.view_state import ViewState
from handlers.listener import action, event, view
from handlers.replies import Nothing, OpenModal, PublishHome, Reply, Say


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


# -- actions and views: notification settings ----------------------------------------------------
def notification_settings_open(ctx: AppContext, caller: Caller) -> Reply:
    return OpenModal(settings_blocks.settings_modal(notification_settings.current(ctx, caller)))


SETTINGS_FIELDS = {
    "kinds": ids.NOTIFY_KINDS_BLOCK,
    "moments": ids.NOTIFY_MOMENTS_BLOCK,
    "quiet_until": ids.NOTIFY_QUIET_UNTIL_BLOCK,
}


def notification_settings_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    saved = notification_settings.save(
        ctx,
        caller,
        notification_settings.SettingsInput(
            folded=state.options(ids.NOTIFY_KINDS_BLOCK),
            moments=state.text(ids.NOTIFY_MOMENTS_BLOCK),
            quiet_from=_time(state, ids.NOTIFY_QUIET_FROM_BLOCK),
            quiet_until=_time(state, ids.NOTIFY_QUIET_UNTIL_BLOCK),
        ),
    )
    return Say(settings_blocks.saved_text(saved))


def _time(state: ViewState, block_id: str) -> str:
    value = state.element(block_id).get("selected_time")
    return value if isinstance(value, str) else ""


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_APP_HOME_OPENED)(event(ctx, app_home_opened))
    app.action(ids.ACTION_TRACKER_DOWNLOAD)(action(ctx, tracker_download_action))
    app.action(ids.ACTION_TRACKER_DOWNLOAD_CSV)(action(ctx, tracker_download_action))
    app.action(ids.ACTION_NOTIFICATION_SETTINGS)(action(ctx, notification_settings_open))
    app.view(ids.VIEW_NOTIFICATION_SETTINGS)(
        view(
            ctx,
            notification_settings_submitted,
            fields=SETTINGS_FIELDS,
            error_field=ids.NOTIFY_MOMENTS_BLOCK,
        )
    )
