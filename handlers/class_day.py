"""The class day: `/attendance`, the MIA card's buttons and reason modal, and hand-raise reactions."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.class_day import alerts, attendance, claim_blocks, claims, day_summary
from bot.class_day import blocks as day_blocks
from bot.class_day.blocks import reason_modal
from bot.class_day.types import AgentDays
from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import NOTE, escape_line, require_length
from bot.core.unit_of_work import Caller
from bot.slack import ids
from bot.slack.parsing import user_mention, whole_number, words
from bot.slack.view_state import STALE_FORM, ViewState, record_id
from db.models.attendance_flag import EXCUSED, PRESENT
from handlers.listener import action, command, event, view
from handlers.replies import Nothing, OpenModal, Reply, Say

# -- commands: attendance -----------------------------------------------------------------------
ATTENDANCE_USAGE = (
    "In the class channel: `/attendance` for today's table, `/attendance @agent` for one agent's days, "
    "`/attendance set @agent DAY CODE reason` to change a day's code (e.g. `set @Ben 2 absent_hr_approved "
    "doctor's note`)."
)


def attendance_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if args and args[0].lower() == "help":
        return Say(ATTENDANCE_USAGE)
    if args and args[0].lower() == "set":
        return _attendance_set(ctx, caller, args[1:])
    if args:
        if len(args) > 1:
            raise InvalidInput(f"I only need the agent. {ATTENDANCE_USAGE}")
        user_id, _ = user_mention(args[0], ATTENDANCE_USAGE)
        return _attendance_days(attendance.agent_days(ctx, caller, user_id))
    found = attendance.overview(ctx, caller, str(command.get("channel_id") or ""))
    if isinstance(found, AgentDays):
        return _attendance_days(found)
    blocks = day_blocks.day_table(found.cohort_name, found.day, found.rows)
    return Say(f"Attendance, day {found.day.number}", blocks)


def _attendance_days(found: AgentDays) -> Reply:
    return Say(
        f"Attendance of {escape_line(found.name)}",
        day_blocks.agent_record(found.cohort_name, found.name, found.days),
    )


def _attendance_set(ctx: AppContext, caller: Caller, args: list[str]) -> Reply:
    if len(args) < 3:
        raise InvalidInput(f"I need the agent, the day and the code. {ATTENDANCE_USAGE}")
    user_id, _ = user_mention(args[0], ATTENDANCE_USAGE)
    change = attendance.CodeChange(
        agent_user_id=user_id,
        day=whole_number(args[1], ATTENDANCE_USAGE, "a day number", most=99),
        code=args[2],
        reason=require_length(" ".join(args[3:]), NOTE, "The reason"),
    )
    row = day_summary.change_code(ctx, caller, change)
    return Say(f"{escape_line(row.name)}, day {row.day}: {row.code_label}.")


# -- actions: mia -------------------------------------------------------------------------------
def mia_excuse(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _mia_open(action, ctx, caller, EXCUSED)


def mia_present(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _mia_open(action, ctx, caller, PRESENT)


def _mia_open(action: dict[str, Any], ctx: AppContext, caller: Caller, decision: str) -> Reply:
    form = attendance.mia_form(ctx, caller, record_id(action.get("value")), decision)
    return OpenModal(reason_modal(form.flag_id, form.decision, form.agent_name))


# -- views: mia_reason --------------------------------------------------------------------------
MIA_REASON_FIELDS = {"reason": ids.MIA_REASON_BLOCK}


def mia_reason_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    meta = state.metadata()
    decision = meta.get("decision")
    if decision not in (EXCUSED, PRESENT):
        raise InvalidInput(STALE_FORM)
    reason = state.text(ids.MIA_REASON_BLOCK).strip()
    if not reason:
        raise InvalidInput("Say why, in a few words.", field="reason")
    alerts.resolve_mia(
        ctx, caller, attendance.MiaDecision(record_id(meta.get("flag_id")), str(decision), reason)
    )
    # The MIA card itself now says who decided and when: no message of its own.
    return Nothing()


# -- events: reactions --------------------------------------------------------------------------
def reaction_event(event: dict[str, Any], body: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    item = event.get("item")
    if not isinstance(item, dict) or item.get("type") != "message":
        return Nothing()
    channel, ts = item.get("channel"), item.get("ts")
    if not isinstance(channel, str) or not channel or not isinstance(ts, (str, int, float)) or not ts:
        return Nothing()
    event_id = body.get("event_id")
    attendance.react_to(
        ctx,
        caller,
        attendance.Reaction(
            event_id=event_id if isinstance(event_id, str) else None,
            channel_id=channel,
            ts=str(ts),
            reaction=str(event.get("reaction") or ""),
            added=event.get("type") == "reaction_added",
        ),
    )
    return Nothing()


# -- actions: an agent's "I was there" and their TL's decision -------------------------------------
def attendance_claim(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    answer, tl_id = claims.claim(ctx, caller, record_id(action.get("value")))
    # The agent's own DM is updated in place: the button is gone once they have said it.
    return Say(claim_blocks.agent_reply(answer, tl_id), replace_original=True)


def attendance_claim_accept(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _decide(action, ctx, caller, claims.ACCEPTED)


def attendance_claim_keep(action: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    return _decide(action, ctx, caller, claims.KEPT)


def _decide(action: dict[str, Any], ctx: AppContext, caller: Caller, outcome: str) -> Reply:
    answer = claims.decide(ctx, caller, record_id(action.get("value")), outcome)
    return Say(claim_blocks.tl_reply(answer))


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.ATTENDANCE)(command(ctx, attendance_command))
    app.action(ids.ACTION_MIA_EXCUSE)(action(ctx, mia_excuse))
    app.action(ids.ACTION_MIA_PRESENT)(action(ctx, mia_present))
    app.action(ids.ACTION_ATTENDANCE_CLAIM)(action(ctx, attendance_claim))
    app.action(ids.ACTION_ATTENDANCE_CLAIM_ACCEPT)(action(ctx, attendance_claim_accept))
    app.action(ids.ACTION_ATTENDANCE_CLAIM_KEEP)(action(ctx, attendance_claim_keep))
    app.view(ids.VIEW_MIA_REASON)(
        view(ctx, mia_reason_submitted, fields=MIA_REASON_FIELDS, error_field=ids.MIA_REASON_BLOCK)
    )
    app.event(ids.EVENT_REACTION_ADDED)(event(ctx, reaction_event))
    app.event(ids.EVENT_REACTION_REMOVED)(event(ctx, reaction_event))
