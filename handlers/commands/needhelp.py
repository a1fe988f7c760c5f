"""/needhelp [topic]: an agent joins the help queue; staff are told how the queue works and
see what is open in their classes."""

from __future__ import annotations

from typing import Any

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.core.text import NOTE, require_length
from bot.services import help_queue
from bot.services.work import Caller
from handlers.replies import Reply, Say


def needhelp_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    asked = require_length(str(command.get("text") or ""), NOTE, "What you need help with")
    topic = help_queue.match_topic(ctx.playbook, asked)
    ask = help_queue.HelpAsk(
        text=asked,
        topic_key=topic.key if topic else None,
        source="needhelp",
        channel_id=str(command.get("channel_id") or ""),
    )
    found = help_queue.ask_for_help(ctx, caller, ask)
    if isinstance(found, help_queue.OpenQueue):
        return Say("The help queue is for agents.", help_blocks.staff_queue(found.rows, ctx.clock.now()))
    blocks = help_blocks.queued(
        created=found.created,
        position=found.position,
        waiting=found.waiting,
        tl_id=found.tl_id,
        asked_at=found.asked_at,
    )
    return Say("You're in the help queue.", blocks)
