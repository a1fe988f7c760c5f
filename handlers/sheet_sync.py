"""The Google Sheet sync: the TL's Use the sheet's value button."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.sheet_sync import blocks as sheet_blocks
from bot.sheet_sync import disagreements as sheet_disagreements
from bot.slack import ids
from bot.slack.blocks import section
from bot.slack.parsing import record_id
from handlers.listener import action
from handlers.replies import Reply, Say


# -- actions: sheet_take_value ------------------------------------------------------------------
def take_sheet_value(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    cell_id = record_id(action.get("value"), "That button is out of date; nothing changed.")
    taken = sheet_disagreements.take_sheet_value(ctx, caller, cell_id)
    text = sheet_blocks.taken(taken.agent, taken.header, taken.value)
    return Say(text, [section(text)], replace_original=True)


def register(app: App, ctx: AppContext) -> None:
    app.action(ids.ACTION_SHEET_TAKE_VALUE)(action(ctx, take_sheet_value))
