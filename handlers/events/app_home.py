"""app_home_opened: publish the person's Home tab (staff, ESP manager, agent, or a stranger).

Publishing is idempotent (the view replaces the last one), so a retried delivery simply
publishes the same view again; no event claim is written for it.
"""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.services import home
from bot.services.work import Caller
from handlers.replies import Nothing, PublishHome, Reply


def app_home_opened(event: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    if event.get("tab", "home") != "home":
        return Nothing()
    return PublishHome(home.home_view(ctx, caller))
