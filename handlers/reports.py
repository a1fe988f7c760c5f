"""Reports handed out in Slack: `/esp export`, the ESP tracker as a file in the requester's DM.

`/esp` itself belongs to the ESP tracker; its `export` subcommand is matched here first, since the
export is a report built from every earlier feature."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.unit_of_work import Caller
from bot.reports import tracker_download
from bot.slack import ids
from bot.slack.parsing import words
from handlers.listener import command
from handlers.replies import Reply, Say


def is_export(command: dict[str, Any]) -> bool:
    args = words(command.get("text"))
    return bool(args) and args[0].lower() == "export"


def esp_export_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _esp_export(ctx, caller, words(command.get("text"))[1:])


EXPORT_USAGE = "Type `/esp export` (an XLSX file) or `/esp export csv`."


def _esp_export(ctx: AppContext, caller: Caller, args: list[str]) -> Reply:
    wanted = args[0].lower() if args else "xlsx"
    if len(args) > 1 or wanted not in tracker_download.FORMATS:
        raise InvalidInput(f"I can send the tracker as `xlsx` or `csv`. {EXPORT_USAGE}")
    fmt: tracker_download.Format = "csv" if wanted == "csv" else "xlsx"
    sent = tracker_download.send_tracker(ctx, caller, fmt)
    return Say(
        f":page_facing_up: I sent you the ESP tracker ({sent.agents} agents in {sent.classes} class(es)) "
        f"as `{sent.filename}` in our DM."
    )


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.ESP, matchers=[is_export])(command(ctx, esp_export_command))
