"""Submission of the Resolve modal: records who resolved the red flag and why, once. A flag
someone else resolved a moment earlier replaces the modal with who resolved it and how; the DMs
about the flag then show the resolution."""

from __future__ import annotations

from typing import Any

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.services import red_flags
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import ViewState, record_id
from handlers.replies import EditMessage, Many, Reply, UpdateModal

FIELDS = {"resolution": ids.REDFLAG_RESOLUTION_BLOCK}


def redflag_resolve_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    flag_id = record_id(state.metadata().get("flag_id"))
    resolution = red_flags.require_resolution(state.text(ids.REDFLAG_RESOLUTION_BLOCK))
    done = red_flags.resolve_red_flag(ctx, caller, flag_id, resolution)
    if not done.changed:
        return UpdateModal(flag_blocks.already_resolved_modal(done.already or ""))
    return Many([EditMessage(e.channel, e.ts, e.text, e.blocks) for e in done.edits])
