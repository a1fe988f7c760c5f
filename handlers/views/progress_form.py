"""Submission of the /progress form."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.services import progress
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import ViewState
from handlers.replies import FieldErrors, Reply, Say


def progress_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    chosen = ViewState(view).option(ids.PROGRESS_STEP_BLOCK)
    carrier, _, step = chosen.partition(" ")
    if not carrier or not step:
        return FieldErrors({ids.PROGRESS_STEP_BLOCK: "Pick what you finished."})
    saved = progress.report_progress(ctx, caller, progress.ProgressInput(carrier=carrier, step=step))
    return Say(f"{saved.agent_name} finished {saved.label}.", blocks.progress_saved(saved))
