"""/failcert: record a failed carrier certification attempt (typed, or with the form)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import certs, esp, people
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from handlers.commands.coach import COACHES, require_agent
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.FAILCERT)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        if not args:
            with ctx.db.session() as session:
                people.require_role(session, caller, COACHES, "record failed exams")
            carriers = [(c.key, c.name) for c in ctx.playbook.carriers]
            client.views_open(trigger_id=command["trigger_id"], view=blocks.failcert_modal(carriers))
            return
        if len(args) < 2:
            raise InvalidInput(f"I need the agent and the carrier. {blocks.FAILCERT_USAGE}")
        agent_id, _ = user_mention(args[0], blocks.FAILCERT_USAGE)
        rest = args[2:]
        override = any(w.lower() == "override" for w in rest)
        rest = [w for w in rest if w.lower() != "override"]
        score = None
        if rest and rest[0].rstrip("%").lstrip("-").isdigit():
            score, rest = rest[0], rest[1:]
        result = record(
            ctx,
            caller=caller,
            agent_id=agent_id,
            carrier=args[1],
            score=score,
            note=" ".join(rest),
            override=override,
        )
        certs.notify_failure(ctx.db, client, result, ctx.clock.now())
        respond(text=certs.failure_text(result), blocks=reply_blocks(ctx, result), response_type="ephemeral")


def record(
    ctx: AppContext,
    *,
    caller: str,
    agent_id: str,
    carrier: str,
    score: str | int | None,
    note: str | None,
    override: bool,
) -> certs.FailureResult:
    """One unit of work; the DMs go after it commits (`certs.notify_failure`)."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        actor = people.require_role(session, caller, COACHES, "record failed exams")
        agent = require_agent(session, agent_id)
        result = certs.record_failure(
            session,
            agent=agent,
            carrier_key=carrier,
            score=certs.parse_score(ctx.playbook, score),
            note=note,
            actor=actor,
            now=now,
            playbook=ctx.playbook,
            override=override,
        )
        esp.apply_failed_attempt(
            session,
            person=agent,
            carrier=result.carrier_key,
            blocked=result.blocked,
            actor=actor,
            now=now,
            source="failcert",
        )
    return result


def reply_blocks(ctx: AppContext, result: certs.FailureResult) -> list[dict[str, Any]]:
    button = blocks.coach_open_button(
        f"Document the {result.proposed_label}…",
        agent=result.agent_slack_id,
        policy="failedcert",
        level=result.proposed_level,
        links=[f"attempt:{result.attempt_id}"],
        incident=f"Failed the {result.carrier_name} exam ({result.ordinal} of {result.limit} attempts"
        + (f", score {result.score}" if result.score is not None else "")
        + ").",
    )
    text = certs.failure_text(result) + f"\nProposed coaching: *{result.proposed_label}*."
    return blocks.failure_reply(text, button)
