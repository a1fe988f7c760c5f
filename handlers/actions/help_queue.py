"""The help queue's buttons: "Still stuck" (agent joins the queue), "Claim" (opens the
breakout-room modal), "Mark resolved"."""

from __future__ import annotations

from typing import Any

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.core.text import NOTE, shorten
from bot.services import help_queue
from bot.services.work import Caller
from bot.slack.view_state import record_id
from handlers.replies import EditMessage, Many, Nothing, OpenModal, Reply, Say


def still_stuck(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    topic_key, asked = help_blocks.parse_still_stuck_value(str(action.get("value") or ""))
    topic = help_queue.topic_by_key(ctx.playbook, topic_key)
    asked = shorten(asked.strip(), NOTE)
    ask = help_queue.HelpAsk(text=asked, topic_key=topic.key if topic else None, source="techissue")
    found = help_queue.ask_for_help(ctx, caller, ask)
    assert isinstance(found, help_queue.Queued)  # a button press is never the staff's queue view
    steps = help_blocks.troubleshooting(
        topic,
        ctx.playbook.tech_issues.general,
        ctx.playbook.guides.tech_issues,
        asked=asked,
        button_value=None,
        topics=[],
        staff_note=False,
    )
    queued = help_blocks.queued(
        created=found.created,
        position=found.position,
        waiting=found.waiting,
        tl_id=found.tl_id,
        asked_at=found.asked_at,
    )
    return Say("You're in the help queue.", steps + queued, replace_original=True)


def claim_button(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    card = help_queue.claim_form(ctx, caller, record_id(action.get("value")))
    return OpenModal(help_blocks.claim_modal(card, ctx.playbook.help_queue.max_breakout_room))


def resolve_button(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    done = help_queue.resolve_request(ctx, caller, record_id(action.get("value")))
    replies: list[Reply] = [Say(done.taken)] if done.taken else []
    if done.card is not None:
        replies.append(EditMessage(done.card.channel, done.card.ts, done.card.text, done.card.blocks))
    return Many(replies) if replies else Nothing()
