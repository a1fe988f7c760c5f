"""The class roster from Slack: `/cohort`, its new-class modal, and the welcome when someone joins a class channel."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from pydantic import ValidationError
from slack_bolt import App

from bot.cohorts import blocks as cohort_blocks
from bot.cohorts import roster_blocks
from bot.cohorts import roster_service as rosters
from bot.cohorts import service as cohorts
from bot.cohorts.roster import Roster
from bot.cohorts.spec import CohortSpec
from bot.cohorts.types import RosterPreview
from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.identity_fields import npn_problem, require_n_number
from bot.core.text import escape
from bot.core.unit_of_work import Caller
from bot.slack import ids
from bot.slack.blocks import section
from bot.slack.parsing import user_mention, words
from bot.slack.view_state import ViewState, record_id
from handlers.listener import command, event, view
from handlers.replies import (
    CloseModals,
    FieldErrors,
    Nothing,
    OpenModal,
    PushModal,
    Reply,
    Say,
    UpdateModal,
)

# -- commands: cohort ---------------------------------------------------------------------------
ADD_USAGE = (
    "Type `/cohort add @agent N1234567 19283746` (the agent, their N-Number, their NPN) in the class channel."
)
# `/cohort add @agent N-Number NPN reopen`: an agent who moved to production, back on purpose.
REOPEN = "reopen"
TRANSFER_USAGE = "Type `/cohort transfer @agent` in the channel of the class they move to."
IDENTITY_USAGE = "Type `/cohort identity @agent N1234567 19283746` (the agent, their N-Number, their NPN)."


def cohort_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    channel_id = str(command.get("channel_id") or "")
    sub = args[0].lower() if args else ""
    if not args:
        rows = cohorts.list_cohorts(ctx, caller, channel_id)
        return Say(f"You have {len(rows)} cohort(s).", cohort_blocks.cohort_list([asdict(r) for r in rows]))
    if sub == "new":
        form = cohorts.new_cohort_form(ctx, caller)
        return OpenModal(
            cohort_blocks.new_cohort_modal(
                channel_id=channel_id or None, caller_id=caller.user_id, today=form.today
            )
        )
    if sub == "roster":
        return _cohort_roster(ctx, caller, channel_id, args[1:])
    if sub == "add":
        return _cohort_add(ctx, caller, channel_id, args[1:])
    if sub == "transfer":
        return _cohort_transfer(ctx, caller, channel_id, args[1:])
    if sub == "identity":
        return _cohort_identity(ctx, caller, args[1:])
    if sub == "help":
        return Say(cohort_blocks.USAGE)
    raise InvalidInput(f"I don't know `/cohort {escape(args[0][:40])}`.\n{cohort_blocks.USAGE}")


def _cohort_add(ctx: AppContext, caller: Caller, channel_id: str, args: list[str]) -> Reply:
    reopen = len(args) == 4 and args[3].lower() == REOPEN
    if len(args) != 3 and not reopen:
        raise InvalidInput(f"I need three things after `add`. {ADD_USAGE}")
    user_id, _handle = user_mention(args[0], ADD_USAGE)
    n_number, npn = _identity_of(ctx, args[1], args[2], ADD_USAGE)
    result = cohorts.enroll_agent(
        ctx,
        caller,
        cohorts.EnrollInput(
            channel_id=channel_id, agent_user_id=user_id, n_number=n_number, npn=npn, reopen=reopen
        ),
    )
    name, cohort_name = result.agent_name, escape(result.cohort_name)
    text = f"Added {name} to {cohort_name}." if result.added else f"{name} is already in {cohort_name}."
    if result.reopened:
        text = f"{text} They had moved to production; they are back in training (recorded)."
    blocks = cohort_blocks.agent_added(
        name, result.n_number, result.cohort_name, already=not result.added, differences=result.differences
    )
    if result.reopened:
        blocks = [*blocks, section("They had moved to production; they are back in training (recorded).")]
    return Say(text, blocks)


ROSTER_USAGE = "Type `/cohort roster` in the class channel, or `/cohort roster #channel`."


def _cohort_roster(ctx: AppContext, caller: Caller, channel_id: str, args: list[str]) -> Reply:
    if len(args) > 1:
        raise InvalidInput(f"I need at most the class channel after `roster`. {ROSTER_USAGE}")
    if args:
        match = re.fullmatch(r"<#([CG][A-Z0-9]{2,})(\|[^>]*)?>", args[0])
        if match is None:
            raise InvalidInput(f"`{escape(args[0][:40])}` is not a channel. {ROSTER_USAGE}")
        channel_id = match.group(1)
    form = rosters.roster_form(ctx, caller, channel_id)
    return OpenModal(roster_blocks.roster_modal(form.cohort_id, form.cohort_name))


def _cohort_transfer(ctx: AppContext, caller: Caller, channel_id: str, args: list[str]) -> Reply:
    if len(args) != 1:
        raise InvalidInput(f"I need just the agent after `transfer`. {TRANSFER_USAGE}")
    user_id, _handle = user_mention(args[0], TRANSFER_USAGE)
    moved = cohorts.transfer_agent(
        ctx, caller, cohorts.TransferInput(channel_id=channel_id, agent_user_id=user_id)
    )
    if not moved.moved:
        return Say(f"{moved.agent_name} is already in {escape(moved.cohort_name)}. Nothing changed.")
    return Say(
        f":white_check_mark: Moved {moved.agent_name} from {escape(moved.from_name or '')} to "
        f"{escape(moved.cohort_name)}. Their records so far stay with their old class, whose team lead is told."
    )


def _cohort_identity(ctx: AppContext, caller: Caller, args: list[str]) -> Reply:
    if len(args) != 3:
        raise InvalidInput(f"I need three things after `identity`. {IDENTITY_USAGE}")
    user_id, _handle = user_mention(args[0], IDENTITY_USAGE)
    n_number, npn = _identity_of(ctx, args[1], args[2], IDENTITY_USAGE)
    edited = cohorts.edit_identity(
        ctx, caller, cohorts.IdentityInput(agent_user_id=user_id, n_number=n_number, npn=npn)
    )
    if not edited.changed:
        return Say(f"{edited.agent_name} already has N-Number {n_number} and NPN {npn}. Nothing changed.")
    changed = "; ".join(
        f"{_LABELS[k]} {before or '(none)'} → {after}" for k, (before, after) in edited.changed.items()
    )
    return Say(f":white_check_mark: Updated {edited.agent_name}: {changed}. The change is recorded.")


_LABELS = {"n_number": "N-Number", "npn": "NPN"}


def _identity_of(ctx: AppContext, n_number: str, npn: str, usage: str) -> tuple[str, str]:
    checked = require_n_number(ctx.playbook, n_number)
    problem = npn_problem(ctx.playbook, npn)
    if problem:
        raise InvalidInput(f"{problem} {usage}")
    return checked, npn.strip()


# -- views: cohort_new --------------------------------------------------------------------------
COHORT_NEW_FIELDS = {
    "name": ids.COHORT_FIELD_NAME,
    "channel": ids.COHORT_FIELD_CHANNEL,
    "timezone": ids.COHORT_FIELD_TIMEZONE,
    "start_date": ids.COHORT_FIELD_START,
    "days": ids.COHORT_FIELD_DAYS,
    "training_link": ids.COHORT_FIELD_LINK,
    "team_lead": ids.COHORT_FIELD_TL,
    "production_manager": ids.COHORT_FIELD_PM,
    "roster": ids.COHORT_FIELD_ROSTER,
}


def cohort_new_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    raw = {
        "name": state.text(ids.COHORT_FIELD_NAME),
        "channel": _cohort_new_conversation(state, ids.COHORT_FIELD_CHANNEL),
        "timezone": state.option(ids.COHORT_FIELD_TIMEZONE),
        "start_date": state.date(ids.COHORT_FIELD_START) or None,
        "days": state.option(ids.COHORT_FIELD_DAYS) or None,
        "training_link": state.text(ids.COHORT_FIELD_LINK),
        "team_lead": state.user(ids.COHORT_FIELD_TL),
        "production_manager": state.user(ids.COHORT_FIELD_PM),
    }
    try:
        spec = CohortSpec.model_validate(raw)
    except ValidationError as exc:
        return FieldErrors(_cohort_new_field_errors(exc))
    source, pasted = _roster_source(state)
    if pasted is None and not source.file_ids:
        cohorts.create_from_form(ctx, caller, spec)  # the confirmation DM is the use case's
        return Nothing()
    # A submission with a roster writes nothing but its preview: no idempotency key, so going
    # back to fix a row and checking again is checked again.
    plain_caller = Caller(caller.user_id)
    rosters.may_create(ctx, plain_caller, spec)
    return _checking(
        "the new class's rows",
        lambda: rosters.preview_for_new_class(ctx, plain_caller, spec, source, pasted),
    )


def cohort_roster_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    cohort_id = record_id(state.metadata().get("cohort"))
    source, pasted = _roster_source(state)
    if pasted is None and not source.file_ids:
        return FieldErrors({ids.COHORT_FIELD_ROSTER: "Paste the rows from the sheet, or attach it below."})
    plain_caller = Caller(caller.user_id)
    return _checking(
        "the rows", lambda: rosters.preview_for_class(ctx, plain_caller, cohort_id, source, pasted)
    )


def roster_confirmed(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    draft_id = record_id(ViewState(view).metadata().get("draft"))
    result = rosters.confirm(ctx, caller, draft_id)
    if not result.done and result.preview is not None:
        return UpdateModal(roster_blocks.preview_view(result.preview))
    return CloseModals()  # the confirmation DM is the use case's


def _roster_source(state: ViewState) -> tuple[rosters.RosterSource, Roster | None]:
    """The pasted rows (read now, so a malformed paste is named on its field) and attached files."""
    text = state.text(ids.COHORT_FIELD_ROSTER)
    file_ids = [str(f["id"]) for f in state.files(ids.COHORT_FIELD_ROSTER_FILE)]
    if text.strip() and file_ids:
        raise InvalidInput("Paste the rows or attach the file, not both.", field=ids.COHORT_FIELD_ROSTER)
    try:
        pasted = rosters.parse_pasted(text)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=ids.COHORT_FIELD_ROSTER) from None
    return rosters.RosterSource(text=text, file_ids=file_ids), pasted


def _checking(what: str, preview: Callable[[], RosterPreview]) -> Reply:
    """Push a "checking" view at once; the preview replaces it once Slack and the records answer."""
    external_id = f"roster-{uuid.uuid4().hex}"
    return PushModal(
        roster_blocks.checking_view(external_id, what),
        then=lambda: {**roster_blocks.preview_view(preview()), "external_id": external_id},
    )


def _cohort_new_conversation(state: ViewState, block_id: str) -> str:
    value = state.element(block_id).get("selected_conversation")
    return value if isinstance(value, str) else ""


def _cohort_new_field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "name"
        block_id = COHORT_NEW_FIELDS.get(field, ids.COHORT_FIELD_NAME)
        errors.setdefault(block_id, err["msg"].removeprefix("Value error, ")[:150])
    return errors


# -- events: member_joined ----------------------------------------------------------------------
def member_joined(event: dict[str, Any], body: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    event_id = body.get("event_id")
    channel = event.get("channel")
    if isinstance(channel, str) and channel:
        cohorts.welcome_joined(ctx, caller, event_id if isinstance(event_id, str) else None, channel)
    return Nothing()


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.COHORT)(command(ctx, cohort_command))
    app.view(ids.VIEW_COHORT_NEW)(
        view(ctx, cohort_new_submitted, fields=COHORT_NEW_FIELDS, error_field=ids.COHORT_FIELD_NAME)
    )
    app.view(ids.VIEW_COHORT_ROSTER)(
        view(
            ctx,
            cohort_roster_submitted,
            fields={"roster": ids.COHORT_FIELD_ROSTER},
            error_field=ids.COHORT_FIELD_ROSTER,
        )
    )
    app.view(ids.VIEW_ROSTER_CONFIRM)(view(ctx, roster_confirmed))
    app.event(ids.EVENT_MEMBER_JOINED)(event(ctx, member_joined))
