"""The tracking-form buttons (the /forms picker, App Home): each opens its form modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.slack import ids
from handlers.commands.forms import open_form
from handlers.errors import listener

KIND_OF_ACTION = {action_id: kind for kind, action_id in ids.ACTION_FORM_OPEN.items()}


def register(app: App, ctx: AppContext) -> None:
    @listener
    def open_from_button(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        kind = KIND_OF_ACTION[action["action_id"]]
        agent_id = (action.get("value") or "").strip() or None
        open_form(ctx, client, body["trigger_id"], kind, caller=body["user"]["id"], agent_id=agent_id)

    for action_id in ids.ACTION_FORM_OPEN.values():
        app.action(action_id)(open_from_button)
