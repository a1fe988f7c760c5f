"""Submission of the /failcert form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.core.errors import DomainError
from bot.services import certs
from bot.slack import ids
from handlers.commands.failcert import record, reply_blocks
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_FAILCERT)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        caller = body["user"]["id"]
        values = view.get("state", {}).get("values", {})

        def element(block_id: str) -> dict[str, Any]:
            return (values.get(block_id) or {}).get(ids.FIELD_INPUT) or {}

        agent_id = element(ids.FAILCERT_AGENT_BLOCK).get("selected_user") or ""
        carrier = (element(ids.FAILCERT_CARRIER_BLOCK).get("selected_option") or {}).get("value") or ""
        score = element(ids.FAILCERT_SCORE_BLOCK).get("value")
        note = element(ids.FAILCERT_NOTE_BLOCK).get("value")
        try:
            certs.parse_score(ctx.playbook, score)
        except DomainError as exc:
            ack(response_action="errors", errors={ids.FAILCERT_SCORE_BLOCK: exc.message[:150]})
            return
        try:
            result = record(
                ctx, caller=caller, agent_id=agent_id, carrier=carrier, score=score, note=note, override=False
            )
        except DomainError as exc:
            block = ids.FAILCERT_CARRIER_BLOCK if "carrier" in exc.message else ids.FAILCERT_AGENT_BLOCK
            ack(response_action="errors", errors={block: exc.message[:150]})
            return
        ack()
        certs.notify_failure(ctx.db, client, result, ctx.clock.now())
        client.chat_postMessage(
            channel=caller, text=certs.failure_text(result), blocks=reply_blocks(ctx, result)
        )
