"""member_joined_channel: greet an enrolled agent who joins the class channel with the guides."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.welcome import welcome
from bot.context import AppContext
from bot.services import cohorts, events, people
from bot.slack import ids
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.event(ids.EVENT_MEMBER_JOINED)
    @listener
    def handle(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        event_id = body.get("event_id")
        with ctx.db.session() as session:
            if not events.claim(session, event_id, ctx.clock.now()):
                return
            cohort = cohorts.for_channel(session, event.get("channel", ""))
            person = people.by_slack_id(session, event.get("user", ""))
            if cohort is None or person is None:
                return
            if all(p.id != person.id for p in cohorts.active_agents(session, cohort.id)):
                return
            cohort_name, blocks = cohort.name, welcome(person.name, cohort.name, ctx.playbook)
        try:
            client.chat_postEphemeral(
                channel=event["channel"], user=event["user"], text=f"Welcome to {cohort_name}!", blocks=blocks
            )
        except SlackApiError:
            # Not welcomed: forget the event so Slack's retry gets another chance.
            with ctx.db.session() as session:
                events.release(session, event_id)
            raise
