"""Submission of the claim modal: the breakout room number. The claim is written before the
ack so a room that is out of range, or a request someone else just claimed, shows in the modal;
the agent's DM and the card update go after it."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from bot.context import AppContext
from bot.core.errors import DomainError
from bot.services import help_notify, help_queue
from bot.slack import ids
from handlers.errors import listener


def room_problem(raw: object, max_room: int) -> tuple[int | None, str | None]:
    text = str(raw or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= max_room:
        return None, f"Type a breakout room number from 1 to {max_room}."
    return int(text), None


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_HELP_CLAIM)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        caller = body["user"]["id"]
        request_id = int(json.loads(view.get("private_metadata") or "{}").get("request_id", 0))
        state = (view.get("state", {}).get("values", {}).get(ids.HELP_ROOM_BLOCK) or {}).get(
            ids.FIELD_INPUT
        ) or {}
        room, problem = room_problem(state.get("value"), ctx.playbook.help_queue.max_breakout_room)
        if problem is not None or room is None:
            ack(response_action="errors", errors={ids.HELP_ROOM_BLOCK: problem or "Type a room number."})
            return
        try:
            with ctx.db.session() as session:
                request = help_queue.get(session, request_id)
                claimer = help_queue.require_claimer(session, caller, request.cohort)
                help_queue.claim(session, request_id, claimer=claimer, room=room, now=ctx.clock.now())
        except DomainError as exc:
            ack(response_action="errors", errors={ids.HELP_ROOM_BLOCK: exc.message[:150]})
            return
        ack()
        help_notify.tell_agent_claimed(ctx, request_id)
        help_notify.refresh_staff_message(ctx, request_id)
