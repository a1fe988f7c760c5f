"""The reason modal behind the MIA buttons: records who cleared the mark, when and why."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import attendance
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import STALE_FORM, ViewState, record_id
from db.models.attendance_flag import EXCUSED, PRESENT
from handlers.replies import Reply, Say

FIELDS = {"reason": ids.MIA_REASON_BLOCK}


def mia_reason_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    meta = state.metadata()
    decision = meta.get("decision")
    if decision not in (EXCUSED, PRESENT):
        raise InvalidInput(STALE_FORM)
    reason = state.text(ids.MIA_REASON_BLOCK).strip()
    if not reason:
        raise InvalidInput("Say why, in a few words.", field="reason")
    done = attendance.resolve_mia(
        ctx, caller, attendance.MiaDecision(record_id(meta.get("flag_id")), str(decision), reason)
    )
    verb = "Excused" if done.decision == EXCUSED else "Marked present"
    return Say(f"{verb}: {done.agent_name}, day {done.day}, break {done.break_no} ({done.reason}).")
