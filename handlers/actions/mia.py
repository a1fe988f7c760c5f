"""The TL's buttons on an MIA alert: Excuse / Mark present open a modal asking why."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks.day import reason_modal
from bot.context import AppContext
from bot.services import attendance, people
from bot.slack import ids
from db.models.attendance_flag import EXCUSED, PRESENT
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.action(ids.ACTION_MIA_EXCUSE)
    @listener
    def excuse(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        _open(ctx, body, action, client, EXCUSED)

    @app.action(ids.ACTION_MIA_PRESENT)
    @listener
    def present(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        _open(ctx, body, action, client, PRESENT)


def _open(
    ctx: AppContext, body: dict[str, Any], action: dict[str, Any], client: WebClient, decision: str
) -> None:
    caller = body["user"]["id"]
    with ctx.db.session() as session:
        people.require_staff(session, caller, "excuse or clear an MIA")
        flag = attendance.require_flag(session, int(action.get("value") or 0))
        flag_id, name = flag.id, flag.person.name
    client.views_open(trigger_id=body["trigger_id"], view=reason_modal(flag_id, decision, name))
