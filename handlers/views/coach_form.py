"""Submission of the /coach form."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import EXPECTATION, INCIDENT, NOTE, require_length
from bot.services import coaching
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import STALE_FORM, ViewState
from handlers.replies import FieldErrors, Reply, Say

FIELDS = {
    "policy": ids.COACH_POLICY_BLOCK,
    "level": ids.COACH_LEVEL_BLOCK,
    "incident": ids.COACH_INCIDENT_BLOCK,
    "expectation": ids.COACH_EXPECTATION_BLOCK,
    "skip_reason": ids.COACH_SKIP_BLOCK,
}


def coach_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    agent = state.metadata().get("agent")
    if not isinstance(agent, str) or not agent:
        raise InvalidInput(STALE_FORM)
    policy = state.option(ids.COACH_POLICY_BLOCK)
    level = state.option(ids.COACH_LEVEL_BLOCK)
    incident = require_length(
        state.text(ids.COACH_INCIDENT_BLOCK), INCIDENT, "What happened", field="incident"
    )
    missing = {}
    if not policy:
        missing[ids.COACH_POLICY_BLOCK] = "Pick the policy."
    if not level:
        missing[ids.COACH_LEVEL_BLOCK] = "Pick the level."
    if not incident:
        missing[ids.COACH_INCIDENT_BLOCK] = "Say what happened: it is part of the record."
    if missing:
        return FieldErrors(missing)
    data = coaching.CoachingInput(
        agent_user_id=agent,
        policy=policy,
        level=level,
        incident=incident,
        expectation=require_length(
            state.text(ids.COACH_EXPECTATION_BLOCK), EXPECTATION, "The expectation", field="expectation"
        ),
        links=state.options(ids.COACH_LINKS_BLOCK),
        skip_reason=require_length(
            state.text(ids.COACH_SKIP_BLOCK), NOTE, "The reason for the skip", field="skip_reason"
        ),
    )
    saved = coaching.coach(ctx, caller, data)
    return Say(blocks.coaching_saved_text(saved), blocks.coaching_saved(saved))
