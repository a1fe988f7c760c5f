"""/attendance: today's table in a class channel; `@agent` for one agent's days; `set` to change a code."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import day as day_blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput, NotFound
from bot.services import attendance, cohorts, people
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from handlers.errors import listener

USAGE = (
    "In the class channel: `/attendance` for today's table, `/attendance @agent` for one agent's days, "
    "`/attendance set @agent DAY CODE reason` to change a day's code (e.g. `set @Ben 2 absent_hr_approved "
    "doctor's note`)."
)


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.ATTENDANCE)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        args = words(command.get("text"))
        caller, channel = command["user_id"], command["channel_id"]
        if not args:
            _today(ctx, caller, channel, respond)
        elif args[0].lower() == "set":
            _set(ctx, caller, channel, args[1:], respond)
        elif args[0].lower() == "help":
            respond(text=USAGE, response_type="ephemeral")
        else:
            _agent(ctx, caller, channel, args[0], respond)


def _today(ctx: AppContext, caller: str, channel: str, respond: Respond) -> None:
    now = ctx.clock.now()
    with ctx.db.session() as session:
        people.require_staff(session, caller, "see attendance")
        cohort = cohorts.require_for_channel(session, channel)
        day = attendance.today(cohort, ctx.playbook, now)
        if day is None:
            held = attendance.days_held(session, cohort.id)
            if not held:
                raise NotFound(f"{cohort.name} has no class day today, and none held yet.")
            day = attendance.day_of(cohort, ctx.playbook, held[-1])
        blocks = day_blocks.day_table(
            cohort.name, day, attendance.day_table(session, ctx.playbook, cohort, day.number)
        )
    respond(text=f"Attendance, day {day.number}", blocks=blocks, response_type="ephemeral")


def _agent(ctx: AppContext, caller: str, channel: str, token: str, respond: Respond) -> None:
    user_id, _handle = user_mention(token, USAGE)
    with ctx.db.session() as session:
        people.require_staff(session, caller, "see attendance")
        cohort = cohorts.require_for_channel(session, channel)
        person = people.by_slack_id(session, user_id)
        if person is None or all(p.id != person.id for p in cohorts.active_agents(session, cohort.id)):
            raise NotFound(f"<@{user_id}> is not an agent of {cohort.name}.")
        rows = attendance.agent_record(session, ctx.playbook, cohort, person)
        days = [(attendance.day_of(cohort, ctx.playbook, r.day), r) for r in rows]
        blocks = day_blocks.agent_record(cohort.name, person.name, days)
    respond(text=f"Attendance of {person.name}", blocks=blocks, response_type="ephemeral")


def _set(ctx: AppContext, caller: str, channel: str, args: list[str], respond: Respond) -> None:
    if len(args) < 3:
        raise InvalidInput(f"I need the agent, the day and the code. {USAGE}")
    user_id, _handle = user_mention(args[0], USAGE)
    if not args[1].isdigit():
        raise InvalidInput(f"`{args[1]}` is not a day number. {USAGE}")
    reason = " ".join(args[3:])
    with ctx.db.session() as session:
        actor = people.require_staff(session, caller, "change attendance codes")
        cohort = cohorts.require_for_channel(session, channel)
        person = people.by_slack_id(session, user_id)
        if person is None or all(p.id != person.id for p in cohorts.active_agents(session, cohort.id)):
            raise NotFound(f"<@{user_id}> is not an agent of {cohort.name}.")
        row = attendance.set_code(
            session,
            ctx.playbook,
            cohort,
            person,
            int(args[1]),
            args[2],
            actor=actor,
            reason=reason,
            now=ctx.clock.now(),
        )
    respond(text=f"{row.name}, day {row.day}: {row.code_label}.", response_type="ephemeral")
