"""The Moved to production button on the PM's ESP-complete DM."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import production
from bot.services.work import Caller
from handlers.replies import Reply, Say


def moved_to_production_action(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise InvalidInput("That button is broken; nothing was changed.")
    text, blocks = production.answer(ctx, caller, int(value))
    return Say(text, blocks, replace_original=True)
