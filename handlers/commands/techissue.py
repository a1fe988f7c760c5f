"""/techissue [what is wrong]: the playbook's troubleshooting steps, and for agents a
"Still stuck" button that puts them in the help queue."""

from __future__ import annotations

from typing import Any

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.core.text import NOTE, require_length
from bot.services import help_queue
from bot.services.work import Caller
from handlers.replies import Reply, Say


def techissue_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    asked = require_length(str(command.get("text") or ""), NOTE, "What you typed")
    steps = help_queue.troubleshoot(ctx, caller)
    topic = help_queue.match_topic(ctx.playbook, asked)
    value = help_blocks.still_stuck_value(topic.key if topic else None, asked) if steps.can_queue else None
    blocks = help_blocks.troubleshooting(
        topic,
        ctx.playbook.tech_issues.general,
        ctx.playbook.guides.tech_issues,
        asked=asked,
        button_value=value,
        topics=ctx.playbook.tech_issues.topics,
    )
    return Say(f"Tech issue: {topic.title if topic else 'General checklist'}", blocks)
