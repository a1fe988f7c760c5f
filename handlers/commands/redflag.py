"""/redflag @agent [category] what happened: record it, DM the PM and ESP managers at once."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput, NotFound
from bot.services import cohorts, people, red_flag_notify, red_flags
from bot.slack import ids
from bot.slack.parsing import user_mention
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.REDFLAG)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        text = (command.get("text") or "").strip()
        if not text or text.lower() == "help":
            raise InvalidInput(flag_blocks.USAGE)
        mention, _, rest = text.partition(" ")
        user_id, _handle = user_mention(mention, flag_blocks.USAGE)
        parsed = red_flags.parse_description(ctx.playbook, rest.split(" ") if rest.strip() else [])
        if not parsed.description:
            raise InvalidInput(f"Say what happened after the agent. {flag_blocks.USAGE}")
        with ctx.db.session() as session:
            people.require_staff(session, command["user_id"], "raise red flags")
            agent = people.by_slack_id(session, user_id)
            enrollment = cohorts.enrollment_of(session, agent.id) if agent else None
            if agent is None or enrollment is None:
                raise NotFound(f"<@{user_id}> is not an agent in any class I run, so I recorded nothing.")
            raiser = red_flags.require_raiser(session, command["user_id"], enrollment.cohort)
            flag = red_flags.raise_flag(
                session,
                agent=agent,
                raised_by=raiser,
                description=parsed.description,
                category=parsed.category.key if parsed.category else None,
                now=ctx.clock.now(),
                cohort=enrollment.cohort,
            )
            flag_id = flag.id
        told = red_flag_notify.notify(ctx, flag_id)
        with ctx.db.session() as session:
            card = red_flag_notify.card(ctx, red_flags.get(session, flag_id))
        respond(
            text=f"Red flag recorded for {card.agent_name}.",
            blocks=flag_blocks.raised(card, told),
            response_type="ephemeral",
        )
