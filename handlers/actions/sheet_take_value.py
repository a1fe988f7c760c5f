"""The "Use the sheet's value" button on the TL's message about a bot cell typed over in the sheet."""

from __future__ import annotations

from typing import Any

from bot.blocks import sheet as sheet_blocks
from bot.blocks.common import section
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import sheet_disagreements
from bot.services.work import Caller
from handlers.replies import Reply, Say


def take_sheet_value(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise InvalidInput("That button is out of date; nothing changed.")
    taken = sheet_disagreements.take_sheet_value(ctx, caller, int(value))
    text = sheet_blocks.taken(taken.agent, taken.header, taken.value)
    return Say(text, [section(text)], replace_original=True)
