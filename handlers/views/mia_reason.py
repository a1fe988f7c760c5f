"""The reason modal behind the MIA buttons: records who cleared the mark, when and why."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.core.errors import DomainError
from bot.services import attendance, people
from bot.slack import ids
from db.models.attendance_flag import EXCUSED
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_MIA_REASON)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        caller = body["user"]["id"]
        flag_text, _, decision = (view.get("private_metadata") or "").partition(":")
        state = view.get("state", {}).get("values", {}).get(ids.MIA_REASON_BLOCK, {})
        reason = ((state.get(ids.FIELD_INPUT) or {}).get("value") or "").strip()
        if not reason:
            ack(response_action="errors", errors={ids.MIA_REASON_BLOCK: "Say why, in a few words."})
            return
        try:
            with ctx.db.session() as session:
                actor = people.require_staff(session, caller, "excuse or clear an MIA")
                flag = attendance.resolve_flag(
                    session,
                    int(flag_text or 0),
                    decision=decision,
                    actor=actor,
                    reason=reason,
                    now=ctx.clock.now(),
                )
                name, day, break_no = flag.person.name, flag.day, flag.break_no
        except DomainError as exc:
            ack(response_action="errors", errors={ids.MIA_REASON_BLOCK: exc.message[:150]})
            return
        ack()
        verb = "Excused" if decision == EXCUSED else "Marked present"
        client.chat_postMessage(
            channel=caller, text=f"{verb}: {name}, day {day}, break {break_no} ({reason})."
        )
