"""/esp: an agent's ESP tracker (`/esp @agent`), updating it (`/esp @agent aetna=complete ...`),
or the whole class in its channel (`/esp`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from sqlalchemy.orm import Session

from bot.blocks import forms as blocks
from bot.blocks.common import section
from bot.context import AppContext
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.timefmt import show
from bot.services import cohorts, esp, forms, people
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from db.models import STAFF_ROLES, Person, Role
from handlers.errors import listener


def tracker_blocks(session: Session, agent: Person) -> list[dict[str, Any]]:
    enrollment = cohorts.enrollment_of(session, agent.id)
    timezone = enrollment.cohort.timezone if enrollment else "UTC"
    rows = []
    for state in esp.statuses(session, agent.id).values():
        changed = None
        if state.changed_at is not None:
            changed = f"{'by ' + state.changed_by + ', ' if state.changed_by else ''}{show(state.changed_at, timezone)}"
        rows.append(
            blocks.TrackerRow(state.label, esp.STATUS_EMOJI[state.status], state.status_label, changed)
        )
    flags = esp.open_flags(session, agent.id)
    return blocks.tracker(
        agent.name,
        enrollment.cohort.name if enrollment else None,
        rows,
        esp.is_complete(session, agent.id),
        flags,
    )


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.ESP)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        if not args or args[0].lower() == "help":
            view = None
            with ctx.db.session() as session:
                person = people.require_person(session, caller)
                cohort = cohorts.for_channel(session, command.get("channel_id") or "")
                if not args and cohort is not None and person.role in STAFF_ROLES:
                    rows = [
                        (
                            agent.name,
                            [esp.STATUS_EMOJI[s.status] for s in esp.statuses(session, agent.id).values()],
                        )
                        for agent in cohorts.active_agents(session, cohort.id)
                    ]
                    view = blocks.class_tracker(cohort.name, list(esp.ITEMS.values()), rows)
            # Slack is answered after the unit of work: no transaction stays open over a network call.
            if view is None:
                respond(text=blocks.ESP_USAGE, response_type="ephemeral")
            else:
                respond(text=f"ESP tracker: {cohort.name}", blocks=view, response_type="ephemeral")
            return
        agent_id, _ = user_mention(args[0], blocks.ESP_USAGE)
        updates = esp.parse_updates(args[1:]) if len(args) > 1 else []
        with ctx.db.session() as session:
            person = people.require_person(session, caller)
            agent = people.by_slack_id(session, agent_id)
            if agent is None or agent.role != Role.AGENT:
                raise NotFound(f"<@{agent_id}> is not an agent I know. Agents are added with `/cohort add`.")
            if not updates:
                if person.role not in STAFF_ROLES and person.id != agent.id:
                    raise NotAllowed("Only staff, or the agent themselves, can see an ESP tracker.")
                shown = (f"ESP tracker: {agent.name}", tracker_blocks(session, agent))
        if not updates:
            respond(text=shown[0], blocks=shown[1], response_type="ephemeral")
            return
        changed = update(ctx, caller=caller, agent_id=agent_id, updates=updates)
        with ctx.db.session() as session:
            agent = people.require_person(session, agent_id)
            view = tracker_blocks(session, agent)
            person_id = agent.id
        note = (
            f"Updated: {'; '.join(changed)}."
            if changed
            else "Nothing changed: the tracker already said that."
        )
        respond(text=note, blocks=[section(note), *view], response_type="ephemeral")
        esp.notify_if_complete(ctx, person_id)


def update(ctx: AppContext, *, caller: str, agent_id: str, updates: list[tuple[str, str]]) -> list[str]:
    """One unit of work for all the updates; the ESP-complete check runs after it commits."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        actor = people.require_role(session, caller, forms.SUBMITTERS, "update the ESP tracker")
        agent = people.require_person(session, agent_id)
        if cohorts.enrollment_of(session, agent.id) is None:
            raise InvalidInput(f"{agent.name} is not in an active cohort; nothing was changed.")
        esp.lock(session, agent.id)
        changed = []
        for item, status in updates:
            if esp.set_status(session, person=agent, item=item, status=status, actor=actor, now=now):
                changed.append(f"{esp.ITEMS[item]} {esp.STATUSES[status]}")
    return changed
