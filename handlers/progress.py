"""Progress: `/progress`, its modal, and the AHIP clock's pause and resume."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import escape_line
from bot.core.unit_of_work import Caller
from bot.progress import ahip_clock, blocks
from bot.progress import service as progress
from bot.progress.types import ClassProgress, ProgressForm
from bot.slack import ids
from bot.slack.parsing import MENTION, user_mention, words
from bot.slack.view_state import ViewState
from handlers.listener import command, view
from handlers.replies import FieldErrors, OpenModal, Reply, Say


# -- commands: progress -------------------------------------------------------------------------
def progress_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    channel = command.get("channel_id") or ""
    if args and args[0].lower() == "help":
        return Say(blocks.PROGRESS_USAGE)
    if not args:
        opened = progress.open_progress(ctx, caller, channel)
        if isinstance(opened, ProgressForm):
            return OpenModal(blocks.progress_modal(opened.steps, opened.upcoming))
        return _progress_class(opened)
    if len(args) == 1 and args[0].lower() == "class":
        return _progress_class(progress.class_progress(ctx, caller, channel))
    agent_id = None
    if MENTION.match(args[0]):
        agent_id, _ = user_mention(args[0], blocks.PROGRESS_USAGE)
        args = args[1:]
        if args and args[0].lower() in ("pause", "resume"):
            return _progress_clock(ctx, caller, agent_id, args)
        if args and args[0].lower() == "excuse":
            name = progress.excuse_delay(ctx, caller, agent_id, " ".join(args[1:]))
            return Say(
                f"Recorded: {escape_line(name)}'s delay was outside their control. No timeframe CAP will be proposed."
            )
    if len(args) < 2:
        raise InvalidInput(f"Say the carrier and the step.\n{blocks.PROGRESS_USAGE}")
    data = progress.ProgressInput(carrier=args[0], step=" ".join(args[1:]), agent_user_id=agent_id)
    saved = progress.report_progress(ctx, caller, data)
    return Say(f"{escape_line(saved.agent_name)} finished {saved.label}.", blocks.progress_saved(saved))


def _progress_clock(ctx: AppContext, caller: Caller, agent_id: str, args: list[str]) -> Reply:
    """`/progress @agent pause REASON` / `resume`: the AHIP clock."""
    if args[0].lower() == "pause":
        changed = ahip_clock.pause_clock(ctx, caller, agent_id, " ".join(args[1:]))
        return Say(
            f":pause_button: {escape_line(changed.agent_name)}'s AHIP clock is paused at {changed.elapsed_hours:g} "
            f"training hours. Reason: {escape_line(changed.reason or '')}. `/progress @agent resume` starts it again."
        )
    if len(args) > 1:
        raise InvalidInput("`/progress @agent resume` takes nothing after it. Nothing changed.")
    changed = ahip_clock.resume_clock(ctx, caller, agent_id)
    return Say(
        f":arrow_forward: {escape_line(changed.agent_name)}'s AHIP clock runs again from {changed.elapsed_hours:g} training hours."
    )


def _progress_class(view: ClassProgress) -> Reply:
    return Say(
        f"Progress of {escape_line(view.cohort_name)}",
        blocks.class_progress(view.cohort_name, view.rows, view.day),
    )


# -- views: progress_form -----------------------------------------------------------------------
def progress_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    chosen = ViewState(view).option(ids.PROGRESS_STEP_BLOCK)
    carrier, _, step = chosen.partition(" ")
    if not carrier or not step:
        return FieldErrors({ids.PROGRESS_STEP_BLOCK: "Pick what you finished."})
    saved = progress.report_progress(ctx, caller, progress.ProgressInput(carrier=carrier, step=step))
    return Say(f"{escape_line(saved.agent_name)} finished {saved.label}.", blocks.progress_saved(saved))


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.PROGRESS)(command(ctx, progress_command))
    app.view(ids.VIEW_PROGRESS)(view(ctx, progress_submitted, error_field=ids.PROGRESS_STEP_BLOCK))
