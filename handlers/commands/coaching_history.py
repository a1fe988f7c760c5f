"""/coaching @agent: the agent's coaching history, newest first. Agents see only their own."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.services import coaching
from bot.services.work import Caller
from bot.slack.parsing import user_mention, words
from handlers.replies import Reply, Say

USAGE = "Type `/coaching @agent`."


def coaching_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    agent_id = user_mention(args[0], USAGE)[0] if args else None
    history = coaching.coaching_history(ctx, caller, agent_id)
    return Say(blocks.coaching_history_text(history), blocks.coaching_history(history))
