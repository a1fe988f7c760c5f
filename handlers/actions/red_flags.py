"""The Resolve button on a red-flag DM (or in App Home): opens the modal asking how it was resolved."""

from __future__ import annotations

from typing import Any

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.services import red_flags
from bot.services.work import Caller
from bot.slack.view_state import record_id
from handlers.replies import OpenModal, Reply


def redflag_resolve_button(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    card = red_flags.resolve_form(ctx, caller, record_id(action.get("value")))
    return OpenModal(flag_blocks.resolve_modal(card))
