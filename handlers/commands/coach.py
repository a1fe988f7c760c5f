"""/coach: the coaching form, or the whole coaching typed in one line."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks import accountability as blocks
from bot.config.playbook import Playbook
from bot.context import AppContext
from bot.core.errors import InvalidInput, NotFound
from bot.core.timefmt import local, show_date
from bot.services import coaching, cohorts, outbox, people
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from db.models import Person, Role
from handlers.errors import listener

COACHES = (Role.TL, Role.PM, Role.ADMIN)
USAGE = "Type `/coach @agent` for the form, or `/coach @agent attendance verbal what happened`."


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.COACH)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        args = words(command.get("text"))
        caller = command["user_id"]
        if not args or args[0].lower() == "help":
            with ctx.db.session() as session:
                people.require_role(session, caller, COACHES, "document coachings")
            respond(text=blocks.COACH_USAGE, response_type="ephemeral")
            return
        agent_id, _ = user_mention(args[0], USAGE)
        if len(args) == 1:
            with ctx.db.session() as session:
                people.require_role(session, caller, COACHES, "document coachings")
                agent = require_agent(session, agent_id)
                form = form_data(session, agent, ctx.playbook)
            client.views_open(trigger_id=command["trigger_id"], view=blocks.coach_modal(form))
            return
        if len(args) < 4:
            raise InvalidInput(
                f"I need the policy, the level and what happened after the agent.\n{blocks.COACH_USAGE}"
            )
        policy, level, incident = args[1].lower(), args[2].lower(), " ".join(args[3:])
        save_and_tell(
            ctx,
            client,
            respond,
            caller=caller,
            agent_id=agent_id,
            policy=policy,
            level=level,
            incident=incident,
            expectation=None,
            links=None,
            skip_reason=None,
        )


def require_agent(session: Session, slack_user_id: str) -> Person:
    agent = people.by_slack_id(session, slack_user_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"<@{slack_user_id}> is not an agent I know. Agents are added with `/cohort add`.")
    return agent


def form_data(
    session: Session,
    agent: Person,
    playbook: Playbook,
    *,
    policy: str | None = None,
    level: str | None = None,
    incident: str | None = None,
    links: list[str] | None = None,
    skip_note: str | None = None,
) -> blocks.CoachForm:
    enrollment = cohorts.enrollment_of(session, agent.id)
    timezone = enrollment.cohort.timezone if enrollment else "UTC"
    proposals = []
    for rules in playbook.coaching.policies:
        proposal = coaching.propose(session, agent.id, rules.key, playbook)
        proposals.append(f"{rules.title}: *{proposal.label}* ({proposal.why})")
    records: list[tuple[str, str]] = []
    for item in reversed(coaching.incidents(session, agent.id, playbook)):
        records.append((item.ref, f"{show_date(local(item.at, timezone).date())}: {item.text}"))
    for c in coaching.history(session, agent.id):
        records.append(
            (
                f"coaching:{c.id}",
                f"{show_date(local(c.created_at, timezone).date())}: "
                f"{coaching.level_label(playbook, c.level)} ({coaching.policy_title(playbook, c.policy)})",
            )
        )
    return blocks.CoachForm(
        agent_slack_id=agent.slack_user_id,
        agent_name=agent.name,
        n_number=agent.n_number,
        cohort_name=enrollment.cohort.name if enrollment else None,
        policies=[(p.key, p.title) for p in playbook.coaching.policies],
        levels=[(lv.key, lv.label) for lv in playbook.coaching.levels],
        proposals=proposals,
        records=records,
        policy=policy,
        level=level,
        incident=incident,
        links=links or [],
        skip_note=skip_note,
    )


def save_and_tell(
    ctx: AppContext,
    client: WebClient,
    respond: Respond,
    *,
    caller: str,
    agent_id: str,
    policy: str,
    level: str,
    incident: str,
    expectation: str | None,
    links: list[str] | None,
    skip_reason: str | None,
) -> None:
    """Write the coaching; a skip without a reason answers with a button to the filled-in form."""
    try:
        result = write(
            ctx,
            caller=caller,
            agent_id=agent_id,
            policy=policy,
            level=level,
            incident=incident,
            expectation=expectation,
            links=links,
            skip_reason=skip_reason,
        )
    except coaching.SkipNeedsReason as exc:
        button = blocks.coach_open_button(
            f"Skip to {coaching.level_label(ctx.playbook, level)}…",
            agent=agent_id,
            policy=policy,
            level=level,
            incident=incident,
            links=links,
        )
        respond(
            text=exc.message,
            blocks=blocks.skip_needs_confirmation(exc.message, button),
            response_type="ephemeral",
        )
        return
    tell(ctx, client, result, caller=caller, respond=respond)


def write(
    ctx: AppContext,
    *,
    caller: str,
    agent_id: str,
    policy: str,
    level: str,
    incident: str,
    expectation: str | None,
    links: list[str] | None,
    skip_reason: str | None,
) -> dict[str, Any]:
    """One unit of work; raises the DomainError to show (SkipNeedsReason when a level is skipped)."""
    with ctx.db.session() as session:
        actor = people.require_role(session, caller, COACHES, "document coachings")
        agent = require_agent(session, agent_id)
        saved = coaching.record(
            session,
            agent=agent,
            policy=policy,
            level=level,
            incident=incident,
            expectation=expectation,
            actor=actor,
            now=ctx.clock.now(),
            playbook=ctx.playbook,
            links=links,
            skip_reason=skip_reason,
        )
        cohort = cohorts.by_id(session, saved.cohort_id) if saved.cohort_id else None
        return {
            "id": saved.id,
            "agent_name": agent.name,
            "tl": cohort.tl.slack_user_id if cohort else caller,
            "policy": coaching.policy_title(ctx.playbook, saved.policy),
            "level": coaching.level_label(ctx.playbook, saved.level),
            "proposed": coaching.level_label(ctx.playbook, saved.proposed_level or saved.level),
            "skip_reason": saved.skip_reason,
            "document": saved.document,
        }


def tell(
    ctx: AppContext, client: WebClient, result: dict[str, Any], *, caller: str, respond: Respond | None
) -> None:
    """The filled CAP to the TL (once), and the confirmation to whoever coached."""
    if result["document"]:
        outbox.send_once(
            ctx.db,
            client,
            key=f"cap:{result['id']}:tl",
            kind="cap",
            recipient=result["tl"],
            text=f"{result['level']} for {result['agent_name']}",
            now=ctx.clock.now(),
            blocks=blocks.cap_document(result["agent_name"], result["level"], result["document"]),
        )
    reply = blocks.coaching_saved(
        agent_name=result["agent_name"],
        policy_title=result["policy"],
        level_label=result["level"],
        proposed_label=result["proposed"],
        skip_reason=result["skip_reason"],
        cap=bool(result["document"]),
        dm_to=result["tl"],
    )
    text = f"Saved: {result['level']} for {result['agent_name']}."
    if respond is not None:
        respond(text=text, blocks=reply, response_type="ephemeral")
    else:
        client.chat_postMessage(channel=caller, text=text, blocks=reply)
