"""/techissue [what is wrong]: the playbook's troubleshooting steps, and for agents a
"Still stuck" button that puts them in the help queue."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.services import help_queue
from bot.slack import ids
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.TECHISSUE)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        asked = (command.get("text") or "").strip()
        with ctx.db.session() as session:
            can_queue = help_queue.may_see_steps(session, command["user_id"])
        topic = help_queue.match_topic(ctx.playbook, asked)
        value = help_blocks.still_stuck_value(topic.key if topic else None, asked) if can_queue else None
        blocks = help_blocks.troubleshooting(
            topic,
            ctx.playbook.tech_issues.general,
            ctx.playbook.guides.tech_issues,
            asked=asked,
            button_value=value,
            topics=ctx.playbook.tech_issues.topics,
        )
        title = topic.title if topic else "General checklist"
        respond(text=f"Tech issue: {title}", blocks=blocks, response_type="ephemeral")
