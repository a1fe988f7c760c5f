"""Submission of the /coach form."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.context import AppContext
from bot.core.errors import DomainError
from bot.services import coaching
from bot.slack import ids
from handlers.commands.coach import tell, write
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_COACH)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        caller = body["user"]["id"]
        agent_id = json.loads(view.get("private_metadata") or "{}").get("agent", "")
        values = view.get("state", {}).get("values", {})
        policy = _selected(values, ids.COACH_POLICY_BLOCK)
        level = _selected(values, ids.COACH_LEVEL_BLOCK)
        incident = _text(values, ids.COACH_INCIDENT_BLOCK)
        errors = {}
        if not policy:
            errors[ids.COACH_POLICY_BLOCK] = "Pick the policy."
        if not level:
            errors[ids.COACH_LEVEL_BLOCK] = "Pick the level."
        if not incident.strip():
            errors[ids.COACH_INCIDENT_BLOCK] = "Say what happened: it is part of the record."
        if errors:
            ack(response_action="errors", errors=errors)
            return
        links = [o["value"] for o in _element(values, ids.COACH_LINKS_BLOCK).get("selected_options") or []]
        # The write happens before the ack so a skip without a reason shows on its field.
        try:
            result = write(
                ctx,
                caller=caller,
                agent_id=agent_id,
                policy=policy,
                level=level,
                incident=incident,
                expectation=_text(values, ids.COACH_EXPECTATION_BLOCK),
                links=links,
                skip_reason=_text(values, ids.COACH_SKIP_BLOCK),
            )
        except coaching.SkipNeedsReason as exc:
            ack(response_action="errors", errors={ids.COACH_SKIP_BLOCK: _short(exc.message)})
            return
        except DomainError as exc:
            ack(response_action="errors", errors={ids.COACH_INCIDENT_BLOCK: _short(exc.message)})
            return
        ack()
        tell(ctx, client, result, caller=caller, respond=None)


def _element(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    return (values.get(block_id) or {}).get(ids.FIELD_INPUT) or {}


def _selected(values: dict[str, Any], block_id: str) -> str:
    option = _element(values, block_id).get("selected_option")
    return str(option.get("value")) if option else ""


def _text(values: dict[str, Any], block_id: str) -> str:
    return str(_element(values, block_id).get("value") or "")


def _short(message: str) -> str:
    return message.replace("*", "")[:150]
