"""Submission of the claim modal: the breakout room number. A room out of range, or a request
someone else just claimed, shows in the modal; the agent's DM and the card update go after it."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import help_queue
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import ViewState, record_id
from handlers.replies import EditMessage, Nothing, Reply

FIELDS = {"room": ids.HELP_ROOM_BLOCK}


def room_number(raw: str, max_room: int) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= max_room:
        raise InvalidInput(f"Type a breakout room number from 1 to {max_room}.", field="room")
    return int(text)


def claim_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    request_id = record_id(state.metadata().get("request_id"))
    room = room_number(state.text(ids.HELP_ROOM_BLOCK), ctx.playbook.help_queue.max_breakout_room)
    done = help_queue.claim_request(ctx, caller, request_id, room)
    if done.card is None:
        return Nothing()
    return EditMessage(done.card.channel, done.card.ts, done.card.text, done.card.blocks)
