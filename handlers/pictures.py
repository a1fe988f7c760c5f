"""A class's pictures from its Home panel: the Pictures button hands the funnel, the attendance
map and the pass rates to the person's DM as PNG files."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import escape_line
from bot.core.unit_of_work import Caller
from bot.pictures import service as pictures
from bot.slack import ids
from handlers.listener import action
from handlers.replies import Reply, Say


def class_pictures_action(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    channel = str(action.get("value") or "")
    if not channel.isalnum() or channel[:1] not in ("C", "G") or len(channel) > 32:
        raise InvalidInput("That button names no class. Open the Home tab again and use its Pictures button.")
    sent = pictures.send_class_pictures(ctx, caller, channel)
    return Say(
        f":bar_chart: I sent you {sent.pictures} pictures of {escape_line(sent.class_name)} in our DM: "
        "its funnel, its attendance map and the pass rates of your last classes."
    )


def register(app: App, ctx: AppContext) -> None:
    app.action(ids.ACTION_CLASS_PICTURES)(action(ctx, class_pictures_action))
