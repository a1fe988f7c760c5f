"""reaction_added / reaction_removed: check-ins and hand raises on the day's prompts.

A reaction on anything that is not a prompt, by someone not in the cohort, or outside the
window changes nothing and is not an error. Retries of one event_id count once; the event_id is
claimed in the same transaction as the attendance it records, so a retry after a failure counts.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.context import AppContext
from bot.services import attendance, events
from bot.slack import ids
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.event(ids.EVENT_REACTION_ADDED)
    @listener
    def added(event: dict[str, Any], body: dict[str, Any]) -> None:
        _apply(ctx, event, body, added=True)

    @app.event(ids.EVENT_REACTION_REMOVED)
    @listener
    def removed(event: dict[str, Any], body: dict[str, Any]) -> None:
        _apply(ctx, event, body, added=False)


def _apply(ctx: AppContext, event: dict[str, Any], body: dict[str, Any], *, added: bool) -> None:
    item = event.get("item") or {}
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return
    now = ctx.clock.now()
    with ctx.db.session() as session:
        if not events.claim(session, body.get("event_id"), now):
            return
        attendance.react(
            session,
            ctx.playbook,
            channel_id=item["channel"],
            ts=str(item["ts"]),
            user_id=str(event.get("user", "")),
            reaction=str(event.get("reaction", "")),
            added=added,
            now=now,
        )
