"""/forms: the five tracking forms. `/forms` shows the picker; `/forms KIND [@agent]` opens one."""

from __future__ import annotations

from typing import Any

from bot.blocks import forms as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import shorten
from bot.services import forms
from bot.services.work import Caller
from bot.slack.parsing import user_mention, words
from handlers.replies import OpenModal, Reply, Say


def forms_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if not args:
        forms.forms_picker(ctx, caller, None)
        return Say("Tracking forms", blocks.picker())
    if args[0].startswith("<@"):  # /forms @agent: the picker for that agent
        agent_id, _ = user_mention(args[0], blocks.FORMS_USAGE)
        name = forms.forms_picker(ctx, caller, agent_id)
        return Say("Tracking forms", blocks.picker(agent_id, name))
    kind = forms.kind_of(args[0])
    if kind is None:
        raise InvalidInput(f"`{shorten(args[0], 20)}` is not a form. {blocks.FORMS_USAGE}")
    agent = user_mention(args[1], blocks.FORMS_USAGE)[0] if len(args) > 1 else None
    return OpenModal(blocks.form_modal(kind, forms.form_context(ctx, caller, kind, agent)))
