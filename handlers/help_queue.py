"""The help queue: `/techissue`, `/needhelp`, and the Still stuck / Claim / Resolve buttons and the claim modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import NOTE, require_length, shorten
from bot.core.unit_of_work import Caller
from bot.help_queue import blocks as help_blocks
from bot.help_queue import direct_messages
from bot.help_queue import service as help_queue
from bot.slack import ids
from bot.slack.parsing import ascii_number
from bot.slack.view_state import ViewState, record_id
from handlers.listener import action, command, event, view
from handlers.replies import EditMessage, Many, Nothing, OpenModal, Reply, Say


# -- commands: techissue ------------------------------------------------------------------------
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


# -- commands: needhelp -------------------------------------------------------------------------
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


# -- actions: help_queue ------------------------------------------------------------------------
def still_stuck(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    topic_key, asked = help_blocks.parse_still_stuck_value(str(action.get("value") or ""))
    topic = help_queue.topic_by_key(ctx.playbook, topic_key)
    asked = shorten(asked.strip(), NOTE)
    ask = help_queue.HelpAsk(text=asked, topic_key=topic.key if topic else None, source="techissue")
    found = help_queue.ask_for_help(ctx, caller, ask)
    assert isinstance(found, help_queue.Queued)  # a button press is never the staff's queue view
    queued = help_blocks.queued(
        created=found.created,
        position=found.position,
        waiting=found.waiting,
        tl_id=found.tl_id,
        asked_at=found.asked_at,
    )
    # Only what is new: the steps they tried stay where they are, above.
    return Say("You're in the help queue.", queued)


def claim_button(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    card = help_queue.claim_form(ctx, caller, record_id(action.get("value")))
    return OpenModal(help_blocks.claim_modal(card, ctx.playbook.help_queue.max_breakout_room))


def resolve_button(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    done = help_queue.resolve_request(ctx, caller, record_id(action.get("value")))
    replies: list[Reply] = [Say(done.taken)] if done.taken else []
    if done.card is not None:
        replies.append(EditMessage(done.card.channel, done.card.ts, done.card.text, done.card.blocks))
    return Many(replies) if replies else Nothing()


# -- views: help_claim --------------------------------------------------------------------------
HELP_CLAIM_FIELDS = {"room": ids.HELP_ROOM_BLOCK}


def room_number(raw: str, max_room: int) -> int:
    room = ascii_number(raw, most=max_room)
    if room is None:
        raise InvalidInput(f"Type a breakout room number from 1 to {max_room}.", field="room")
    return room


def claim_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    request_id = record_id(state.metadata().get("request_id"))
    room = room_number(state.text(ids.HELP_ROOM_BLOCK), ctx.playbook.help_queue.max_breakout_room)
    done = help_queue.claim_request(ctx, caller, request_id, room)
    if done.card is None:
        return Nothing()
    return EditMessage(done.card.channel, done.card.ts, done.card.text, done.card.blocks)


# -- events: a message typed in the bot's Messages tab ----------------------------------------------
def message_event(event: dict[str, Any], body: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    # Only what a person typed in their DM with the bot: no bots (the bot itself included), no
    # edits, deletions or other subtypes, nothing from channels.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return Nothing()
    text = event.get("text")
    event_id = body.get("event_id")
    found = direct_messages.message_to_bot(
        ctx, caller, event_id if isinstance(event_id, str) else None, text if isinstance(text, str) else ""
    )
    if found is None:
        return Nothing()
    if isinstance(found, direct_messages.Redirect):
        return Say(found.text)
    blocks = help_blocks.queued(
        created=found.created,
        position=found.position,
        waiting=found.waiting,
        tl_id=found.tl_id,
        asked_at=found.asked_at,
    )
    return Say("You're in the help queue.", blocks)


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.TECHISSUE)(command(ctx, techissue_command))
    app.command(ids.NEEDHELP)(command(ctx, needhelp_command))
    app.action(ids.ACTION_HELP_STILL_STUCK)(action(ctx, still_stuck))
    app.event(ids.EVENT_MESSAGE)(event(ctx, message_event))
    app.action(ids.ACTION_HELP_CLAIM)(action(ctx, claim_button))
    app.action(ids.ACTION_HELP_RESOLVE)(action(ctx, resolve_button))
    app.view(ids.VIEW_HELP_CLAIM)(
        view(ctx, claim_submitted, fields=HELP_CLAIM_FIELDS, error_field=ids.HELP_ROOM_BLOCK)
    )
