"""user_change: a person's profile changed in Slack; keep their timezone for the times in their DMs."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.services import person_clock
from handlers.replies import Nothing, Reply


def user_change_event(event: dict[str, Any], ctx: AppContext) -> Reply:
    user = event.get("user")
    if isinstance(user, dict):
        person_clock.user_changed(ctx, user)
    return Nothing()
