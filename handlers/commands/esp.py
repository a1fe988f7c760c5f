"""/esp: an agent's ESP tracker (`/esp @agent`), updating it (`/esp @agent aetna=complete ...`),
or the whole class in its channel (`/esp`, `/esp class`)."""

from __future__ import annotations

from typing import Any

from bot.blocks import forms as blocks
from bot.blocks.common import section
from bot.context import AppContext
from bot.services import esp
from bot.services.work import Caller
from bot.slack.parsing import user_mention, words
from handlers.replies import Reply, Say


def esp_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    channel = command.get("channel_id") or ""
    if args and args[0].lower() == "help":
        return Say(blocks.ESP_USAGE)
    if not args:
        return _shown(esp.open_esp(ctx, caller, channel))
    if len(args) == 1 and args[0].lower() == "class":
        return _shown(esp.class_tracker(ctx, caller, channel))
    agent_id, _ = user_mention(args[0], blocks.ESP_USAGE)
    if len(args) == 1:
        return _shown(esp.show_tracker(ctx, caller, agent_id))
    updated = esp.update_tracker(ctx, caller, agent_id, esp.parse_updates(args[1:]))
    note = (
        f"Updated: {'; '.join(updated.changed)}."
        if updated.changed
        else "Nothing changed: the tracker already said that."
    )
    return Say(note, [section(note), *blocks.tracker(updated.tracker)])


def _shown(view: esp.Tracker | esp.ClassTracker | None) -> Reply:
    if isinstance(view, esp.Tracker):
        return Say(f"ESP tracker: {view.agent_name}", blocks.tracker(view))
    if isinstance(view, esp.ClassTracker):
        return Say(f"ESP tracker: {view.cohort_name}", blocks.class_tracker(view))
    return Say(blocks.ESP_USAGE)
