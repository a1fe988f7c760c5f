"""app_home_opened: publish the person's Home tab (staff, ESP manager, agent, or a stranger).

Publishing is idempotent (the view replaces the last one), so a retried delivery simply
publishes the same view again; no event claim is written for it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.services import home, home_refresh
from bot.slack import ids
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.event(ids.EVENT_APP_HOME_OPENED)
    @listener
    def handle(event: dict[str, Any], client: WebClient) -> None:
        user = event.get("user")
        if not user or event.get("tab", "home") != "home":
            return
        with ctx.db.session() as session:
            home_refresh.opened(session, user, ctx.clock.now())
            view = home.view_for(session, ctx.playbook, user, ctx.clock.now())
        client.views_publish(user_id=user, view=view)
