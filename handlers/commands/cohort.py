"""/cohort: list, new (modal), add @agent N-Number NPN."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import cohort as cohort_blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.timefmt import local
from bot.domain.cohort_spec import AgentSpec
from bot.domain.guards import npn_problem, require_n_number
from bot.services import cohorts, g2t_links, people
from bot.slack import ids
from bot.slack.directory import display_name
from bot.slack.parsing import user_mention, words
from handlers.errors import listener

ADD_USAGE = (
    "Type `/cohort add @agent N1234567 19283746` (the agent, their N-Number, their NPN) in the class channel."
)


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.COHORT)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        if not args:
            _list(ctx, caller, respond)
        elif args[0].lower() == "new":
            _open_new(ctx, caller, command, client)
        elif args[0].lower() == "add":
            _add(ctx, caller, command["channel_id"], args[1:], respond, client)
        elif args[0].lower() == "help":
            respond(text=cohort_blocks.USAGE, response_type="ephemeral")
        else:
            raise InvalidInput(f"I don't know `/cohort {args[0]}`.\n{cohort_blocks.USAGE}")


def _list(ctx: AppContext, caller: str, respond: Respond) -> None:
    with ctx.db.session() as session:
        person = people.require_staff(session, caller, "list cohorts")
        rows = [
            {
                "name": c.name,
                "channel_id": c.channel_id,
                "start_date": c.start_date,
                "days": c.days,
                "timezone": c.timezone,
                "agents": len(cohorts.active_enrollments(session, c.id)),
                "tl_name": c.tl.name,
                "pm_name": c.pm.name,
            }
            for c in cohorts.visible_to(session, person)
        ]
    blocks = cohort_blocks.cohort_list(rows)
    respond(text=f"You have {len(rows)} cohort(s).", blocks=blocks, response_type="ephemeral")


def _open_new(ctx: AppContext, caller: str, command: dict[str, Any], client: WebClient) -> None:
    with ctx.db.session() as session:
        people.require_staff(session, caller, "create cohorts")
    today = local(ctx.clock.now(), "America/Chicago").date()
    client.views_open(
        trigger_id=command["trigger_id"],
        view=cohort_blocks.new_cohort_modal(
            channel_id=command.get("channel_id"), caller_id=caller, today=today
        ),
    )


def _add(
    ctx: AppContext, caller: str, channel_id: str, args: list[str], respond: Respond, client: WebClient
) -> None:
    if len(args) != 3:
        raise InvalidInput(f"I need three things after `add`. {ADD_USAGE}")
    user_id, handle = user_mention(args[0], ADD_USAGE)
    n_number = require_n_number(ctx.playbook, args[1])
    problem = npn_problem(ctx.playbook, args[2])
    if problem:
        raise InvalidInput(f"{problem} {ADD_USAGE}")
    name = display_name(client, user_id, fallback=handle or user_id) or user_id
    with ctx.db.session() as session:
        people.require_staff(session, caller, "add agents")
        cohort = cohorts.require_for_channel(session, channel_id)
        spec = AgentSpec(slack_id=user_id, name=name, n_number=n_number, npn=args[2].strip())
        person, newly = cohorts.add_agent(session, cohort, spec, actor=caller, now=ctx.clock.now())
        cohort_id, cohort_name, person_id = cohort.id, cohort.name, person.id
    respond(
        text=f"Added {name} to {cohort_name}." if newly else f"{name} is already in {cohort_name}.",
        blocks=cohort_blocks.agent_added(name, n_number, cohort_name, already=not newly),
        response_type="ephemeral",
    )
    if newly:
        g2t_links.deliver_links(ctx, cohort_id, [person_id])
