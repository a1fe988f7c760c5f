"""Records: `/records @agent` (the whole record as a file), `/records reads @agent` (who read it)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.records import blocks
from bot.records import service as records
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from handlers.listener import command
from handlers.replies import Reply, Say

USAGE = "Type `/records @agent`, or `/records reads @agent`."


def records_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if args and args[0].lower() == "help":
        return Say(blocks.RECORDS_USAGE)
    if args and args[0].lower() == "reads":
        if len(args) < 2:
            return Say(f"Whose reads? {USAGE}")
        agent_id, _ = user_mention(args[1], USAGE)
        view = records.reads_of(ctx, caller, agent_id)
        return Say(blocks.reads_text(view), blocks.reads(view))
    whose = user_mention(args[0], USAGE)[0] if args else None
    sent = records.send_record(ctx, caller, whose)
    return Say(blocks.sent_text(sent))


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.RECORDS)(command(ctx, records_command))
