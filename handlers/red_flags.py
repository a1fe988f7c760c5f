"""Red flags: `/redflag`, and its Resolve button and modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import INCIDENT, escape_line, require_length
from bot.core.unit_of_work import Caller
from bot.red_flags import blocks as flag_blocks
from bot.red_flags import service as red_flags
from bot.slack import ids
from bot.slack.parsing import user_mention
from bot.slack.view_state import ViewState, record_id
from handlers.listener import action, command, view
from handlers.replies import EditMessage, Many, OpenModal, Reply, Say, UpdateModal


# -- commands: redflag --------------------------------------------------------------------------
def redflag_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    text = str(command.get("text") or "").strip()
    if not text or text.lower() == "help":
        raise InvalidInput(flag_blocks.USAGE)
    if text.lower() == "list":
        found = red_flags.open_flags_for(ctx, caller, str(command.get("channel_id") or ""))
        return Say(*flag_blocks.open_list(found.scope, found.cards))
    mention, _, rest = text.partition(" ")
    user_id, _ = user_mention(mention, flag_blocks.USAGE)
    parsed = red_flags.parse_description(ctx.playbook, rest.split(" ") if rest.strip() else [])
    if not parsed.description:
        raise InvalidInput(f"Say what happened after the agent. {flag_blocks.USAGE}")
    data = red_flags.RaiseInput(
        agent_user_id=user_id,
        description=require_length(parsed.description, INCIDENT, "The description"),
        category=parsed.category.key if parsed.category else None,
    )
    raised = red_flags.raise_red_flag(ctx, caller, data)
    return Say(
        f"Red flag recorded for {escape_line(raised.card.agent_name)}.",
        flag_blocks.raised(raised.card, raised.told),
    )


# -- actions: red_flags -------------------------------------------------------------------------
def redflag_resolve_button(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    card = red_flags.resolve_form(ctx, caller, record_id(action.get("value")))
    return OpenModal(flag_blocks.resolve_modal(card))


# -- views: red_flag_resolve --------------------------------------------------------------------
RED_FLAG_RESOLVE_FIELDS = {"resolution": ids.REDFLAG_RESOLUTION_BLOCK}


def redflag_resolve_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    flag_id = record_id(state.metadata().get("flag_id"))
    resolution = red_flags.require_resolution(state.text(ids.REDFLAG_RESOLUTION_BLOCK))
    done = red_flags.resolve_red_flag(ctx, caller, flag_id, resolution)
    if not done.changed:
        return UpdateModal(flag_blocks.already_resolved_modal(done.already or ""))
    return Many([EditMessage(e.channel, e.ts, e.text, e.blocks) for e in done.edits])


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.REDFLAG)(command(ctx, redflag_command))
    app.action(ids.ACTION_REDFLAG_RESOLVE)(action(ctx, redflag_resolve_button))
    app.view(ids.VIEW_REDFLAG_RESOLVE)(
        view(
            ctx,
            redflag_resolve_submitted,
            fields=RED_FLAG_RESOLVE_FIELDS,
            error_field=ids.REDFLAG_RESOLUTION_BLOCK,
        )
    )
