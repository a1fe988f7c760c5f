"""member_joined_channel: greet an enrolled agent who joins the class channel with the guides."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.services import cohorts
from bot.services.work import Caller
from handlers.replies import Nothing, Reply


def member_joined(event: dict[str, Any], body: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    event_id = body.get("event_id")
    channel = event.get("channel")
    if isinstance(channel, str) and channel:
        cohorts.welcome_joined(ctx, caller, event_id if isinstance(event_id, str) else None, channel)
    return Nothing()
