"""/progress: agents report what they finished; TLs set it for an agent, excuse a delay, or see the class."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput, NotAllowed
from bot.core.timefmt import local
from bot.services import cohorts, people, progress
from bot.slack import ids
from bot.slack.parsing import MENTION, user_mention, words
from db.models import Role
from handlers.errors import listener

COACHES = (Role.TL, Role.PM, Role.ADMIN)
require_agent = people.require_agent


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.PROGRESS)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        if args and args[0].lower() == "help":
            respond(text=blocks.PROGRESS_USAGE, response_type="ephemeral")
            return
        if args and MENTION.match(args[0]):
            _for_agent(ctx, caller, args, respond)
            return
        class_view = modal = None
        with ctx.db.session() as session:
            me = people.require_person(session, caller)
            if me.role != Role.AGENT:
                if args:
                    raise InvalidInput(
                        f"Name the agent first: `/progress @agent {' '.join(args)}`.\n{blocks.PROGRESS_USAGE}"
                    )
                cohort = cohorts.require_for_channel(session, command.get("channel_id", ""))
                day = _training_day(ctx, cohort)
                rows = []
                for agent in cohorts.active_agents(session, cohort.id):
                    gap = progress.missing(session, agent.id, ctx.playbook, day) if day else []
                    rows.append(
                        (
                            agent.name,
                            progress.summary(session, agent.id, ctx.playbook),
                            progress.describe(ctx.playbook, gap),
                        )
                    )
                class_view = (f"Progress of {cohort.name}", blocks.class_progress(cohort.name, rows, day))
            elif not args:
                steps = [
                    (f"{carrier} {s.key}", progress.step_label(ctx.playbook, carrier, s.key))
                    for carrier, carrier_steps in ctx.playbook.timeframe.steps.items()
                    for s in carrier_steps
                ]
                done = progress.done_steps(session, me.id, ctx.playbook)
                upcoming = next((key for key, _ in steps if key not in done), None)
                modal = blocks.progress_modal(steps, upcoming)
        # Slack is answered after the unit of work: no transaction stays open over a network call.
        if class_view is not None:
            respond(text=class_view[0], blocks=class_view[1], response_type="ephemeral")
            return
        if modal is not None:
            client.views_open(trigger_id=command["trigger_id"], view=modal)
            return
        if len(args) < 2:
            raise InvalidInput(f"Say the carrier and the step.\n{blocks.PROGRESS_USAGE}")
        save(ctx, respond, caller=caller, agent_id=caller, carrier=args[0], step=" ".join(args[1:]))


def _for_agent(ctx: AppContext, caller: str, args: list[str], respond: Respond) -> None:
    agent_id, _ = user_mention(args[0], blocks.PROGRESS_USAGE)
    if len(args) >= 2 and args[1].lower() == "excuse":
        with ctx.db.session() as session:
            actor = people.require_role(session, caller, COACHES, "excuse a delay")
            agent = require_agent(session, agent_id)
            progress.excuse(session, agent=agent, reason=" ".join(args[2:]), actor=actor, now=ctx.clock.now())
            name = agent.name
        respond(
            text=f"Recorded: {name}'s delay was outside their control. No timeframe CAP will be proposed.",
            response_type="ephemeral",
        )
        return
    if len(args) < 3:
        raise InvalidInput(f"Say the carrier and the step after the agent.\n{blocks.PROGRESS_USAGE}")
    save(ctx, respond, caller=caller, agent_id=agent_id, carrier=args[1], step=" ".join(args[2:]))


def save(
    ctx: AppContext,
    respond: Respond | None,
    *,
    caller: str,
    agent_id: str,
    carrier: str,
    step: str,
    client: WebClient | None = None,
) -> None:
    with ctx.db.session() as session:
        actor = people.require_person(session, caller)
        if agent_id != caller and actor.role not in COACHES:
            raise NotAllowed(
                "Only team leads, production managers and admins can set another agent's progress."
            )
        agent = require_agent(session, agent_id)
        mark = progress.report(
            session,
            agent=agent,
            carrier=carrier,
            step=step,
            actor=actor,
            now=ctx.clock.now(),
            playbook=ctx.playbook,
        )
        label = progress.step_label(ctx.playbook, mark.carrier_key, mark.step or "")
        nxt = progress.next_step(session, agent.id, ctx.playbook)
        name = agent.name
    reply = blocks.progress_saved(name, label, nxt, own=agent_id == caller)
    text = f"{name} finished {label}."
    if respond is not None:
        respond(text=text, blocks=reply, response_type="ephemeral")
    elif client is not None:
        client.chat_postMessage(channel=caller, text=text, blocks=reply)


def _training_day(ctx: AppContext, cohort: Any) -> int | None:
    """The last finished training day (1-based), whose pace is due; None before the end of day 1."""
    today = local(ctx.clock.now(), cohort.timezone).date()
    finished = [i + 1 for i, d in enumerate(progress.training_dates(cohort)) if d < today]
    return finished[-1] if finished else None
