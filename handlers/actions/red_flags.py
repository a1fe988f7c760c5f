"""The Resolve button on a red-flag DM (or in App Home): opens the modal asking how it was resolved."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.core.errors import Conflict, InvalidInput
from bot.services import red_flag_notify, red_flags
from bot.slack import ids
from handlers.errors import listener


def _flag_id(body: dict[str, Any]) -> int:
    value = (body.get("actions") or [{}])[0].get("value") or ""
    if not value.isdigit():
        raise InvalidInput("That button is out of date; nothing changed.")
    return int(value)


def register(app: App, ctx: AppContext) -> None:
    @app.action(ids.ACTION_REDFLAG_RESOLVE)
    @listener
    def resolve(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        flag_id = _flag_id(body)
        with ctx.db.session() as session:
            flag = red_flags.get(session, flag_id)
            red_flags.require_resolver(session, body["user"]["id"], flag)
            card = red_flag_notify.card(ctx, flag)
        if card.resolved_at:
            raise Conflict(
                f"{card.resolved_by} already resolved this red flag for {card.agent_name} "
                f"({card.resolved_at}): {card.resolution}"
            )
        client.views_open(trigger_id=body["trigger_id"], view=flag_blocks.resolve_modal(card))
