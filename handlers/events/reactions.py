"""reaction_added / reaction_removed: check-ins and hand raises on the day's prompts.

A reaction on anything that is not a prompt, by someone not in the cohort, or outside the
window changes nothing and is not an error (bot/services/attendance.py `react_to`).
"""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.services import attendance
from bot.services.work import Caller
from handlers.replies import Nothing, Reply


def reaction_event(event: dict[str, Any], body: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    item = event.get("item")
    if not isinstance(item, dict) or item.get("type") != "message":
        return Nothing()
    channel, ts = item.get("channel"), item.get("ts")
    if not isinstance(channel, str) or not channel or not isinstance(ts, (str, int, float)) or not ts:
        return Nothing()
    event_id = body.get("event_id")
    attendance.react_to(
        ctx,
        caller,
        attendance.Reaction(
            event_id=event_id if isinstance(event_id, str) else None,
            channel_id=channel,
            ts=str(ts),
            reaction=str(event.get("reaction") or ""),
            added=event.get("type") == "reaction_added",
        ),
    )
    return Nothing()
