"""/coach: the coaching form, or the whole coaching typed in one line."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import INCIDENT, require_length
from bot.services import coaching
from bot.services.work import Caller
from bot.slack.parsing import user_mention, words
from handlers.replies import OpenModal, Reply, Say

USAGE = "Type `/coach @agent` for the form, or `/coach @agent attendance verbal what happened`."


def coach_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if not args or args[0].lower() == "help":
        coaching.require_coach(ctx, caller)
        return Say(blocks.COACH_USAGE)
    agent_id, _ = user_mention(args[0], USAGE)
    if len(args) == 1:
        return OpenModal(blocks.coach_modal(coaching.coach_form(ctx, caller, agent_id)))
    if len(args) < 4:
        raise InvalidInput(
            f"I need the policy, the level and what happened after the agent.\n{blocks.COACH_USAGE}"
        )
    policy, level = args[1].lower(), args[2].lower()
    incident = require_length(" ".join(args[3:]), INCIDENT, "What happened")
    data = coaching.CoachingInput(agent_user_id=agent_id, policy=policy, level=level, incident=incident)
    try:
        saved = coaching.coach(ctx, caller, data)
    except coaching.SkipNeedsReason as skip:
        # A skip is confirmed in the form, which opens filled in with what was typed.
        button = blocks.coach_open_button(
            f"Skip to {coaching.level_label(ctx.playbook, level)}…",
            agent=agent_id,
            policy=policy,
            level=level,
            incident=incident,
        )
        return Say(skip.message, blocks.skip_needs_confirmation(skip.message, button))
    return Say(blocks.coaching_saved_text(saved), blocks.coaching_saved(saved))
