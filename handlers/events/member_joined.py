"""member_joined_channel: greet an enrolled agent who joins the class channel with the guides."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import ids
from bot.blocks.welcome import welcome
from bot.context import AppContext
from bot.services import cohorts, events, people
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.event(ids.EVENT_MEMBER_JOINED)
    @listener
    def handle(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        with ctx.db.session() as session:
            if not events.claim(session, body.get("event_id"), ctx.clock.now()):
                return
            cohort = cohorts.for_channel(session, event.get("channel", ""))
            person = people.by_slack_id(session, event.get("user", ""))
            if cohort is None or person is None:
                return
            enrolled = any(p.id == person.id for p in cohorts.active_agents(session, cohort.id))
            if not enrolled:
                return
            # Posting inside the unit of work: if Slack refuses, the event is not marked
            # processed and Slack's retry gets another chance to welcome the agent.
            client.chat_postEphemeral(channel=event["channel"], user=event["user"],
                                      text=f"Welcome to {cohort.name}!",
                                      blocks=welcome(person.name, cohort.name, ctx.playbook))
