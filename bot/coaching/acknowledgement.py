"""The agent's acknowledgement of a CAP: the CAP's summary in their DM with an "I have read this"
button; the moment they press it is kept on the coaching (once, however often it is pressed), and
a CAP nobody acknowledged in the playbook's time is named to the TL (a `cap_unacknowledged`
notification, once per CAP)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action
from bot.coaching import blocks
from bot.coaching.types import CapCard
from bot.config.playbook import Playbook
from bot.core import audit
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.text import INCIDENT, escape_line, shorten
from bot.core.timefmt import local, show_date, show_for
from bot.core.unit_of_work import Work, use_case
from db.models import Coaching, Cohort, Person
from db.session import rows_matched

# An unacknowledged CAP older than this is no longer named (the TL heard of it long ago).
LOOK_BACK = timedelta(days=30)
UNACKNOWLEDGED = "cap_unacknowledged"


def _timezone(session: Session, coaching: Coaching) -> str:
    cohort = session.get(Cohort, coaching.cohort_id) if coaching.cohort_id else None
    return cohort.timezone if cohort else "UTC"


def shown_at(session: Session, coaching: Coaching, reader: Person | None) -> str | None:
    """When the CAP was acknowledged, in the reader's time (the class's beside it); None if not yet."""
    if coaching.acknowledged_at is None:
        return None
    return show_for(
        coaching.acknowledged_at, reader.timezone if reader else None, _timezone(session, coaching)
    )


def card(session: Session, coaching: Coaching, playbook: Playbook) -> CapCard:
    level = playbook.coaching.level(coaching.level)
    policy = playbook.coaching.policy(coaching.policy)
    return CapCard(
        coaching_id=coaching.id,
        agent_name=coaching.person.name,
        level_label=level.label if level else coaching.level,
        policy_title=policy.title if policy else coaching.policy,
        date=show_date(local(coaching.created_at, _timezone(session, coaching)).date()),
        incident=shorten(coaching.incident, INCIDENT),
        expectation=coaching.expectation,
        consequence=policy.consequence if policy else "",
        statement=playbook.cap.acknowledgement_for(coaching.policy),
        acknowledged=shown_at(session, coaching, coaching.person),
    )


def ask_agent(work: Work, coaching: Coaching, agent: Person) -> None:
    """The CAP's summary to the agent, with the button (once per CAP)."""
    view = card(work.session, coaching, work.playbook)
    work.notify(
        key=f"cap:{coaching.id}:agent",
        kind="cap_acknowledge",
        recipient=agent.slack_user_id,
        text=blocks.cap_card_text(view),
        blocks=blocks.cap_card(view),
    )


@use_case
def acknowledge_cap(work: Work, coaching_id: int) -> CapCard:
    """The agent pressed "I have read this": the time is kept the first time only."""
    coaching = work.session.get(Coaching, coaching_id)
    if coaching is None or not coaching.document:
        raise NotFound("That CAP is no longer on record.")
    agent = coaching.person
    actor = work.allow(
        Action.CAP_ACKNOWLEDGE,
        access.record_target(work.session, coaching.cohort_id, agent, f"coaching:{coaching.id}"),
    )
    if actor.id != agent.id:
        # Even an admin: the acknowledgement is the agent's own word.
        raise NotAllowed(f"Sorry, only {escape_line(agent.name)} can acknowledge their own CAP.")
    first = rows_matched(
        work.session.execute(
            update(Coaching)
            .where(Coaching.id == coaching.id, Coaching.acknowledged_at.is_(None))
            .values(acknowledged_at=work.now)
            .execution_options(synchronize_session=False)
        )
    )
    work.session.refresh(coaching)
    if first:
        audit.record(
            work.session,
            actor=actor.slack_user_id,
            action="cap.acknowledged",
            entity="coaching",
            entity_id=coaching.id,
            at=work.now,
            details={
                "person_id": agent.id,
                "statement": work.playbook.cap.acknowledgement_for(coaching.policy),
            },
        )
    return card(work.session, coaching, work.playbook)


def parse_coaching_id(value: object) -> int:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 12:
        raise InvalidInput("That button is out of date; nothing was recorded.")
    return int(value)


@use_case
def name_unacknowledged(work: Work) -> int:
    """Tell each CAP's TL about a CAP the agent has not acknowledged in the playbook's time; each
    CAP once (the key). Returns how many were named now."""
    due = work.now - timedelta(hours=work.playbook.cap.acknowledge_within_hours)
    rows = work.session.scalars(
        select(Coaching)
        .where(
            Coaching.document.is_not(None),
            Coaching.acknowledged_at.is_(None),
            Coaching.created_at <= due,
            Coaching.created_at >= work.now - LOOK_BACK,
        )
        .order_by(Coaching.id)
    ).all()
    named = 0
    for coaching in rows:
        cohort = work.session.get(Cohort, coaching.cohort_id) if coaching.cohort_id else None
        tl = cohort.tl if cohort else coaching.coached_by
        view = card(work.session, coaching, work.playbook)
        hours = work.playbook.cap.acknowledge_within_hours
        text = (
            f":hourglass: {escape_line(view.agent_name)} has not acknowledged the {view.level_label} "
            f"of {view.date} ({view.policy_title}) within {hours:g} hours."
        )
        if work.notify(
            key=f"cap:{coaching.id}:unacknowledged",
            kind=UNACKNOWLEDGED,
            recipient=tl.slack_user_id,
            text=text,
        ):
            named += 1
    return named
