"""Coaching: `/coach`, `/coaching`, the coaching form and its button, and the Final CAP's catch-up sessions."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.coaching import acknowledgement, blocks, catch_up, catch_up_blocks
from bot.coaching import service as coaching
from bot.coaching.types import CoachOpen, Prefill
from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import EXPECTATION, INCIDENT, NOTE, escape_line, require_length
from bot.core.unit_of_work import Caller
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from bot.slack.view_state import STALE_BUTTON, STALE_FORM, ViewState, button_data
from handlers.listener import action, command, view
from handlers.replies import FieldErrors, OpenModal, Reply, Say

# -- commands: coach ----------------------------------------------------------------------------
COACH_USAGE = "Type `/coach @agent` for the form, or `/coach @agent attendance verbal what happened`."


def coach_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if not args or args[0].lower() == "help":
        coaching.require_coach(ctx, caller)
        return Say(blocks.COACH_USAGE)
    agent_id, _ = user_mention(args[0], COACH_USAGE)
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
            CoachOpen(agent=agent_id, policy=policy, level=level, incident=incident),
        )
        return Say(skip.message, blocks.skip_needs_confirmation(skip.message, button))
    return Say(blocks.coaching_saved_text(saved), blocks.coaching_saved(saved))


# -- commands: coaching_history -----------------------------------------------------------------
COACHING_HISTORY_USAGE = "Type `/coaching @agent`."


def coaching_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    agent_id = user_mention(args[0], COACHING_HISTORY_USAGE)[0] if args else None
    history = coaching.coaching_history(ctx, caller, agent_id)
    return Say(blocks.coaching_history_text(history), blocks.coaching_history(history))


# -- actions: coach_open ------------------------------------------------------------------------
def coach_open_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    data = button_data(action.get("value"))
    agent = data.get("agent")
    if not isinstance(agent, str) or not agent:
        raise InvalidInput(STALE_BUTTON)
    links = data.get("links")
    prefill = Prefill(
        policy=_coach_open_text(data.get("policy")),
        level=_coach_open_text(data.get("level")),
        incident=_coach_open_text(data.get("incident")),
        links=[ref for ref in links if isinstance(ref, str)] if isinstance(links, list) else [],
    )
    return OpenModal(blocks.coach_modal(coaching.coach_form(ctx, caller, agent, prefill)))


def _coach_open_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# -- views: coach_form --------------------------------------------------------------------------
COACH_FORM_FIELDS = {
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


# -- actions: catch_up --------------------------------------------------------------------------
def catch_up_open_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    agent = action.get("value")
    if not isinstance(agent, str) or not agent.isalnum() or len(agent) > 32:
        raise InvalidInput(STALE_BUTTON)
    return OpenModal(catch_up_blocks.modal(catch_up.catch_up_form(ctx, caller, agent)))


# -- views: catch_up ----------------------------------------------------------------------------
CATCH_UP_FIELDS = {
    **{f"date_{n}": block for n, block in enumerate(ids.CATCHUP_DATE_BLOCKS, start=1)},
    **{f"time_{n}": block for n, block in enumerate(ids.CATCHUP_TIME_BLOCKS, start=1)},
}


def catch_up_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    agent = state.metadata().get("agent")
    if not isinstance(agent, str) or not agent:
        raise InvalidInput(STALE_FORM)
    picked = []
    for day_block, time_block in zip(ids.CATCHUP_DATE_BLOCKS, ids.CATCHUP_TIME_BLOCKS, strict=True):
        chosen = state.element(time_block).get("selected_time")
        picked.append((state.date(day_block), chosen if isinstance(chosen, str) else ""))
    scheduled = catch_up.schedule_catch_up(ctx, caller, agent, picked)
    return Say(
        f"Scheduled {escape_line(scheduled.agent_name)}'s catch-up:\n"
        + "\n".join(f"• {line}" for line in scheduled.lines)
    )


# -- actions: cap_acknowledge -------------------------------------------------------------------
def cap_acknowledge_clicked(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    coaching_id = acknowledgement.parse_coaching_id(action.get("value"))
    card = acknowledgement.acknowledge_cap(ctx, caller, coaching_id)
    return Say(blocks.cap_card_text(card), blocks.cap_card(card), replace_original=True)


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.COACH)(command(ctx, coach_command))
    app.command(ids.COACHING)(command(ctx, coaching_command))
    app.action(ids.ACTION_COACH_OPEN)(action(ctx, coach_open_clicked))
    app.view(ids.VIEW_COACH)(
        view(ctx, coach_submitted, fields=COACH_FORM_FIELDS, error_field=ids.COACH_INCIDENT_BLOCK)
    )
    app.action(ids.ACTION_CATCHUP_OPEN)(action(ctx, catch_up_open_clicked))
    app.action(ids.ACTION_CAP_ACKNOWLEDGE)(action(ctx, cap_acknowledge_clicked))
    app.view(ids.VIEW_CATCHUP)(
        view(ctx, catch_up_submitted, fields=CATCH_UP_FIELDS, error_field=ids.CATCHUP_DATE_BLOCKS[0])
    )
