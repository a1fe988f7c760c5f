"""/forms: the five tracking forms. `/forms` shows the picker; `/forms KIND [@agent]` opens one.

`open_form` is what every entry point uses (the command, the picker's buttons, App Home's buttons).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import forms as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.timefmt import local
from bot.services import cohorts, forms, people
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from handlers.errors import listener


def open_form(
    ctx: AppContext,
    client: WebClient,
    trigger_id: str,
    kind: str,
    *,
    caller: str,
    agent_id: str | None = None,
) -> None:
    """Open the `kind` form modal for `caller` (TLs, PMs, admins), the agent preselected if given."""
    form = blocks.FormContext(
        carriers=[(c.key, c.name) for c in ctx.playbook.carriers],
        proof={r.carrier: r.confirmation for r in ctx.playbook.forms.proof},
        ticket_statuses=list(ctx.playbook.forms.ticket_statuses),
    )
    now = ctx.clock.now()
    with ctx.db.session() as session:
        people.require_role(session, caller, forms.SUBMITTERS, "submit tracking forms")
        timezone = "UTC"
        if agent_id:
            agent = people.by_slack_id(session, agent_id)
            enrollment = cohorts.enrollment_of(session, agent.id) if agent is not None else None
            if agent is None or enrollment is None:
                raise InvalidInput(f"<@{agent_id}> is not an agent in an active cohort.")
            form.agent, form.n_number, timezone = (
                agent.slack_user_id,
                agent.n_number,
                enrollment.cohort.timezone,
            )
        else:
            caller_person = people.require_person(session, caller)
            mine = cohorts.visible_to(session, caller_person)
            timezone = mine[0].timezone if mine else timezone
    form.today = local(now, timezone).date()
    client.views_open(trigger_id=trigger_id, view=blocks.form_modal(kind, form))


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.FORMS)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        if not args:
            with ctx.db.session() as session:
                people.require_role(session, caller, forms.SUBMITTERS, "submit tracking forms")
            respond(text="Tracking forms", blocks=blocks.picker(), response_type="ephemeral")
            return
        if args[0].startswith("<@"):  # /forms @agent: the picker for that agent
            agent_id, _ = user_mention(args[0], blocks.FORMS_USAGE)
            with ctx.db.session() as session:
                people.require_role(session, caller, forms.SUBMITTERS, "submit tracking forms")
                agent = people.by_slack_id(session, agent_id)
                name = agent.name if agent else None
            respond(text="Tracking forms", blocks=blocks.picker(agent_id, name), response_type="ephemeral")
            return
        kind = forms.kind_of(args[0])
        if kind is None:
            raise InvalidInput(f"`{args[0]}` is not a form. {blocks.FORMS_USAGE}")
        agent_id = user_mention(args[1], blocks.FORMS_USAGE)[0] if len(args) > 1 else None
        open_form(ctx, client, command["trigger_id"], kind, caller=caller, agent_id=agent_id)
