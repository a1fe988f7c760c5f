"""The button that opens the /coach form filled in (a skipped level, a proposed coaching)."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import coaching
from bot.services.work import Caller
from bot.slack.view_state import STALE_BUTTON, button_data
from handlers.replies import OpenModal, Reply


def coach_open_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    data = button_data(action.get("value"))
    agent = data.get("agent")
    if not isinstance(agent, str) or not agent:
        raise InvalidInput(STALE_BUTTON)
    links = data.get("links")
    prefill = coaching.Prefill(
        policy=_text(data.get("policy")),
        level=_text(data.get("level")),
        incident=_text(data.get("incident")),
        links=[ref for ref in links if isinstance(ref, str)] if isinstance(links, list) else [],
    )
    return OpenModal(blocks.coach_modal(coaching.coach_form(ctx, caller, agent, prefill)))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
