"""/redflag @agent [category] what happened: record it, DM the PM and ESP managers at once."""

from __future__ import annotations

from typing import Any

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import INCIDENT, require_length
from bot.services import red_flags
from bot.services.work import Caller
from bot.slack.parsing import user_mention
from handlers.replies import Reply, Say


def redflag_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    text = str(command.get("text") or "").strip()
    if not text or text.lower() == "help":
        raise InvalidInput(flag_blocks.USAGE)
    if text.lower() == "list":
        found = red_flags.open_flags_for(ctx, caller, str(command.get("channel_id") or ""))
        return Say(*flag_blocks.open_list(found.scope, found.cards))
    mention, _, rest = text.partition(" ")
    user_id, _ = user_mention(mention, flag_blocks.USAGE)
    parsed = red_flags.parse_description(ctx.playbook, rest.split(" ") if rest.strip() else [])
    if not parsed.description:
        raise InvalidInput(f"Say what happened after the agent. {flag_blocks.USAGE}")
    data = red_flags.RaiseInput(
        agent_user_id=user_id,
        description=require_length(parsed.description, INCIDENT, "The description"),
        category=parsed.category.key if parsed.category else None,
    )
    raised = red_flags.raise_red_flag(ctx, caller, data)
    return Say(
        f"Red flag recorded for {raised.card.agent_name}.", flag_blocks.raised(raised.card, raised.told)
    )
