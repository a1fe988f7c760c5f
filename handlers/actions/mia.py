"""The TL's buttons on an MIA alert: Excuse / Mark present open a modal asking why."""

from __future__ import annotations

from typing import Any

from bot.blocks.day import reason_modal
from bot.context import AppContext
from bot.services import attendance
from bot.services.work import Caller
from bot.slack.view_state import record_id
from db.models.attendance_flag import EXCUSED, PRESENT
from handlers.replies import OpenModal, Reply


def mia_excuse(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _open(action, ctx, caller, EXCUSED)


def mia_present(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _open(action, ctx, caller, PRESENT)


def _open(action: dict[str, Any], ctx: AppContext, caller: Caller, decision: str) -> Reply:
    form = attendance.mia_form(ctx, caller, record_id(action.get("value")), decision)
    return OpenModal(reason_modal(form.flag_id, form.decision, form.agent_name))
