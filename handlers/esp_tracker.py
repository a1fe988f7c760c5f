"""The ESP tracker: `/esp`, and the PM's Moved to production button."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.text import escape_line
from bot.core.unit_of_work import Caller
from bot.esp_tracker import blocks, production, production_blocks
from bot.esp_tracker import service as esp
from bot.esp_tracker.types import ClassTracker, Tracker
from bot.slack import ids
from bot.slack.blocks import section
from bot.slack.parsing import record_id, user_mention, words
from handlers.listener import action, command
from handlers.replies import Reply, Say


# -- commands: esp ------------------------------------------------------------------------------
def esp_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    channel = command.get("channel_id") or ""
    if args and args[0].lower() == "help":
        return Say(blocks.ESP_USAGE)
    if not args:
        return _esp_shown(esp.open_esp(ctx, caller, channel))
    if len(args) == 1 and args[0].lower() == "class":
        return _esp_shown(esp.class_tracker(ctx, caller, channel))
    agent_id, _ = user_mention(args[0], blocks.ESP_USAGE)
    if len(args) == 1:
        return _esp_shown(esp.show_tracker(ctx, caller, agent_id))
    updated = esp.update_tracker(ctx, caller, agent_id, esp.parse_updates(args[1:]))
    note = (
        f"Updated: {'; '.join(updated.changed)}."
        if updated.changed
        else "Nothing changed: the tracker already said that."
    )
    return Say(note, [section(note), *blocks.tracker(updated.tracker)])


def _esp_shown(view: Tracker | ClassTracker | None) -> Reply:
    if isinstance(view, Tracker):
        return Say(f"ESP tracker: {escape_line(view.agent_name)}", blocks.tracker(view))
    if isinstance(view, ClassTracker):
        return Say(f"ESP tracker: {escape_line(view.cohort_name)}", blocks.class_tracker(view))
    return Say(blocks.ESP_USAGE)


# -- actions: production ------------------------------------------------------------------------
def moved_to_production_action(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    enrollment_id = record_id(action.get("value"), "That button is broken; nothing was changed.")
    moved = production.move_to_production(ctx, caller, enrollment_id)
    text, blocks = production_blocks.moved(moved)
    return Say(text, blocks, replace_original=True)


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.ESP)(command(ctx, esp_command))
    app.action(ids.ACTION_MOVED_TO_PRODUCTION)(action(ctx, moved_to_production_action))
