"""The tracking-form buttons (the /forms picker, App Home): each opens its form modal."""

from __future__ import annotations

import re
from typing import Any

from bot.blocks import forms as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import forms
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import STALE_BUTTON
from handlers.replies import OpenModal, Reply

KIND_OF_ACTION = {action_id: kind for kind, action_id in ids.ACTION_FORM_OPEN.items()}
SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


def form_button_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    kind = KIND_OF_ACTION.get(str(action.get("action_id")))
    value = action.get("value")
    agent = value.strip() if isinstance(value, str) else ""  # the agent, or "" for none yet
    if kind is None or (agent and not SLACK_USER.fullmatch(agent)):
        raise InvalidInput(STALE_BUTTON)
    return OpenModal(blocks.form_modal(kind, forms.form_context(ctx, caller, kind, agent or None)))
