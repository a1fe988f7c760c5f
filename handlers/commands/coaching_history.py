"""/coaching @agent: the agent's coaching history, newest first. Agents see only their own."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import NotAllowed
from bot.core.timefmt import local, show_date
from bot.services import coaching, cohorts, people
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from db.models import Role
from handlers.commands.coach import require_agent
from handlers.errors import listener

USAGE = "Type `/coaching @agent`."


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.COACHING)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        with ctx.db.session() as session:
            me = people.require_person(session, caller)
            target_id = user_mention(args[0], USAGE)[0] if args else caller
            if me.role == Role.AGENT and target_id != caller:
                raise NotAllowed(
                    "An agent's coaching record is private: you can see only your own (`/coaching`)."
                )
            if me.role != Role.AGENT and not args:
                raise NotAllowed(f"Whose history? {USAGE}")
            agent = require_agent(session, target_id)
            enrollment = cohorts.enrollment_of(session, agent.id)
            timezone = enrollment.cohort.timezone if enrollment else "UTC"
            rows = [
                {
                    "date": show_date(local(c.created_at, timezone).date()),
                    "level": coaching.level_label(ctx.playbook, c.level),
                    "policy": coaching.policy_title(ctx.playbook, c.policy),
                    "by": c.coached_by.name,
                    "incident": c.incident,
                    "skip_reason": c.skip_reason,
                }
                for c in coaching.history(session, agent.id)
            ]
            name, current = agent.name, coaching.current_level(session, agent.id, ctx.playbook)
        respond(
            text=f"Coaching history of {name}: {len(rows)} coaching(s).",
            blocks=blocks.coaching_history(name, rows, current),
            response_type="ephemeral",
        )
