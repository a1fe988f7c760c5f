"""The button that opens the /coach form filled in (a skipped level, a proposed CAP)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.services import coaching, people
from bot.slack import ids
from handlers.commands.coach import COACHES, form_data, require_agent
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.action(ids.ACTION_COACH_OPEN)
    @listener
    def handle(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        data = json.loads(action.get("value") or "{}")
        with ctx.db.session() as session:
            people.require_role(session, body["user"]["id"], COACHES, "document coachings")
            agent = require_agent(session, data.get("agent", ""))
            policy, level = data.get("policy"), data.get("level")
            note = None
            if policy and level and ctx.playbook.coaching.policy(policy):
                proposal = coaching.propose(
                    session, agent.id, policy, ctx.playbook, data.get("links") or None
                )
                if ctx.playbook.coaching.rank(level) > ctx.playbook.coaching.rank(proposal.level):
                    note = (
                        f"Proposed: {proposal.label} ({proposal.why}). "
                        f"{coaching.level_label(ctx.playbook, level)} skips a level: give the reason below."
                    )
            form = form_data(
                session,
                agent,
                ctx.playbook,
                policy=policy,
                level=level,
                incident=data.get("incident"),
                links=data.get("links"),
                skip_note=note,
            )
        client.views_open(trigger_id=body["trigger_id"], view=blocks.coach_modal(form))
