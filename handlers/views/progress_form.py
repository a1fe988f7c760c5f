"""Submission of the /progress form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.slack import ids
from handlers.commands.progress import save
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_PROGRESS)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        caller = body["user"]["id"]
        values = view.get("state", {}).get("values", {})
        option = ((values.get(ids.PROGRESS_STEP_BLOCK) or {}).get(ids.FIELD_INPUT) or {}).get(
            "selected_option"
        )
        if not option:
            ack(response_action="errors", errors={ids.PROGRESS_STEP_BLOCK: "Pick what you finished."})
            return
        carrier, _, step = str(option["value"]).partition(" ")
        ack()
        save(ctx, None, caller=caller, agent_id=caller, carrier=carrier, step=step, client=client)
