"""The button on the window flag that opens the catch-up form."""

from __future__ import annotations

from typing import Any

from bot.blocks import catch_up as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import catch_up
from bot.services.work import Caller
from bot.slack.view_state import STALE_BUTTON
from handlers.replies import OpenModal, Reply


def catch_up_open_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    agent = action.get("value")
    if not isinstance(agent, str) or not agent.isalnum() or len(agent) > 32:
        raise InvalidInput(STALE_BUTTON)
    return OpenModal(blocks.modal(catch_up.catch_up_form(ctx, caller, agent)))
