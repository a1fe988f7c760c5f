"""Red flags: anything that may stop an agent from being appointed or selling.

Who may raise and resolve one is the policy's (bot/access/policy.py: REDFLAG_RAISE,
REDFLAG_RESOLVE). Resolving is recorded once: a second resolution (a double-click, two managers at
once) changes nothing and is told who resolved it first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action, Target
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, outbox, people
from bot.core.errors import Conflict, InvalidInput, NotFound
from bot.core.outbox import MessageEdit
from bot.core.text import INCIDENT, NOTE, escape_line, require_length, shorten
from bot.core.timefmt import show
from bot.core.unit_of_work import Work, use_case
from bot.red_flags import blocks as flag_blocks
from bot.red_flags import notify as red_flag_notify
from bot.red_flags.playbook import RedFlagCategory
from bot.red_flags.types import FlagCard, OpenFlags, Raised
from db.models import Cohort, Notification, Person, RedFlag, Role
from db.session import rows_matched

MAX_DESCRIPTION = INCIDENT
MAX_RESOLUTION = NOTE


@dataclass(frozen=True)
class Parsed:
    category: RedFlagCategory | None
    description: str


def parse_description(playbook: Playbook, words: list[str]) -> Parsed:
    """`[category] what happened`: a first word naming a playbook category (key or `key:`) is the category."""
    category = None
    if words:
        first = words[0].lower().rstrip(":")
        category = next((c for c in playbook.red_flags.categories if c.key == first), None)
        if category is not None:
            words = words[1:]
    description = " ".join(words).strip()
    if not description and category is not None:
        description = category.label
    return Parsed(category=category, description=description)


def get(session: Session, flag_id: int) -> RedFlag:
    flag = session.get(RedFlag, flag_id)
    if flag is None:
        raise NotFound("That red flag no longer exists.")
    return flag


def open_for_person(session: Session, person_id: int) -> list[RedFlag]:
    stmt = (
        select(RedFlag)
        .where(RedFlag.person_id == person_id, RedFlag.resolved_at.is_(None))
        .order_by(RedFlag.raised_at, RedFlag.id)
    )
    return list(session.scalars(stmt))


def open_for_cohort(session: Session, cohort_id: int) -> list[RedFlag]:
    stmt = (
        select(RedFlag)
        .where(RedFlag.cohort_id == cohort_id, RedFlag.resolved_at.is_(None))
        .order_by(RedFlag.raised_at, RedFlag.id)
    )
    return list(session.scalars(stmt))


def open_flags(session: Session) -> list[RedFlag]:
    """Every open red flag, oldest first (what ESP managers work through)."""
    stmt = select(RedFlag).where(RedFlag.resolved_at.is_(None)).order_by(RedFlag.raised_at, RedFlag.id)
    return list(session.scalars(stmt))


def raise_flag(
    session: Session,
    *,
    agent: Person,
    raised_by: Person,
    description: str,
    category: str | None,
    now: datetime,
    cohort: Cohort | None = None,
) -> RedFlag:
    description = description.strip()
    if not description:
        raise InvalidInput(
            "Say what happened after the agent, e.g. `/redflag @agent background DUI found in the check`."
        )
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"Keep the description under {MAX_DESCRIPTION} characters.")
    if cohort is None:
        enrollment = cohorts.enrollment_of(session, agent.id)
        if enrollment is None:
            raise NotFound(
                f"{escape_line(agent.name)} is not enrolled in a class, so there is nobody to tell."
            )
        cohort = enrollment.cohort
    flag = RedFlag(
        person_id=agent.id,
        cohort_id=cohort.id,
        raised_by_id=raised_by.id,
        raised_at=now,
        description=description,
        category=category,
    )
    session.add(flag)
    session.flush()
    audit.record(
        session,
        actor=raised_by.slack_user_id,
        action="red_flag.raised",
        entity="red_flag",
        entity_id=flag.id,
        at=now,
        details={
            "person_id": agent.id,
            "cohort_id": cohort.id,
            "category": category,
            "description": description,
        },
    )
    return flag


def resolve(
    session: Session, flag_id: int, *, by: Person, resolution: str, now: datetime
) -> tuple[RedFlag, bool]:
    """Record the resolution; (flag, False) when someone else resolved it first."""
    resolution = resolution.strip()
    if not resolution:
        raise InvalidInput("Say how it was resolved.")
    if len(resolution) > MAX_RESOLUTION:
        raise InvalidInput(f"Keep the resolution under {MAX_RESOLUTION} characters.")
    # A conditional update: of two racing resolutions exactly one matches the open row.
    changed = rows_matched(
        session.execute(
            update(RedFlag)
            .where(RedFlag.id == flag_id, RedFlag.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by_id=by.id, resolution=resolution)
            .execution_options(synchronize_session=False)
        )
    )
    flag = get(session, flag_id)
    session.refresh(flag)
    if changed:
        audit.record(
            session,
            actor=by.slack_user_id,
            action="red_flag.resolved",
            entity="red_flag",
            entity_id=flag.id,
            at=now,
            details={"resolution": resolution},
        )
    return flag, bool(changed)


def resolved_message(flag: RedFlag, when: str) -> str:
    who = flag.resolved_by.name if flag.resolved_by else "someone"
    return f"{who} already resolved this red flag for {escape_line(flag.person.name)} ({when}): {shorten(flag.resolution or '', NOTE)}"


def recipients(session: Session, flag: RedFlag, playbook: Playbook) -> list[Person]:
    """Who hears about a new red flag: the cohort's PM, and every ESP manager."""
    found = [flag.cohort.pm]
    if playbook.red_flags.notify_esp_managers:
        found += [p for p in people.by_role(session, Role.ESP_MANAGER) if p.id != flag.cohort.pm_id]
    return found


# -- use cases: /redflag, the Resolve button and its modal ------------------------------
@dataclass(frozen=True)
class RaiseInput:
    agent_user_id: str
    description: str
    category: str | None


@dataclass(frozen=True)
class Resolution:
    changed: bool
    # When someone else resolved it first: who, when and how.
    already: str | None = None
    # The DMs sent about the flag, to show the resolution on.
    edits: list[MessageEdit] = field(default_factory=list)


def _target(session: Session, flag: RedFlag) -> Target:
    return access.record_target(session, flag.cohort_id, flag.person, f"red_flag:{flag.id}")


@use_case
def raise_red_flag(work: Work, data: RaiseInput) -> Raised:
    """/redflag @agent [category] what happened: record it, DM the PM and ESP managers at once."""
    agent = people.by_slack_id(work.session, data.agent_user_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"<@{data.agent_user_id}> is not an agent in any class I run, so I recorded nothing.")
    target = access.agent_target(work.session, agent)
    actor = work.allow(Action.REDFLAG_RAISE, target)
    if target.cohort is None:
        raise NotFound(
            f"{escape_line(agent.name)} is not in an active class, so there is nobody to tell; I recorded nothing."
        )
    flag = raise_flag(
        work.session,
        agent=agent,
        raised_by=actor,
        description=data.description,
        category=data.category,
        now=work.now,
        cohort=target.cohort,
    )
    told = red_flag_notify.tell_raised(work, flag, recipients(work.session, flag, work.playbook))
    return Raised(card=red_flag_notify.card(work.playbook, flag), told=told)


@use_case
def open_flags_for(work: Work, channel_id: str) -> OpenFlags:
    """/redflag list: the open flags of the class whose channel it is typed in, or elsewhere of every
    class the reader may see (their own; all of them for ESP managers and admins)."""
    cohort = cohorts.for_channel(work.session, channel_id)
    if cohort is not None:
        work.allow(Action.REDFLAG_READ, access.cohort_target(cohort))
        flags, scope = open_for_cohort(work.session, cohort.id), cohort.name
    else:
        actor = work.allow(Action.REDFLAG_READ)
        if actor.role in (Role.ADMIN, Role.ESP_MANAGER):
            flags, scope = open_flags(work.session), "all classes"
        else:
            flags = [
                f
                for c in cohorts.visible_to(work.session, actor)
                for f in open_for_cohort(work.session, c.id)
            ]
            scope = "your classes"
    return OpenFlags(scope, [red_flag_notify.card(work.playbook, f) for f in flags])


@use_case
def resolve_form(work: Work, flag_id: int) -> FlagCard:
    """The Resolve button: the modal's card, for those who may resolve this flag while it is open."""
    flag = get(work.session, flag_id)
    work.allow(Action.REDFLAG_RESOLVE, _target(work.session, flag))
    card = red_flag_notify.card(work.playbook, flag)
    if card.resolved_at:
        raise Conflict(
            f"{card.resolved_by} already resolved this red flag for {escape_line(card.agent_name)} "
            f"({card.resolved_at}): {escape_line(card.resolution or '')}"
        )
    return card


@use_case
def resolve_red_flag(work: Work, flag_id: int, resolution: str) -> Resolution:
    """The Resolve modal: record who resolved the flag and how, once; tell whoever raised it."""
    flag = get(work.session, flag_id)
    resolver = work.allow(Action.REDFLAG_RESOLVE, _target(work.session, flag))
    resolution = require_resolution(resolution)
    flag, changed = resolve(work.session, flag_id, by=resolver, resolution=resolution, now=work.now)
    if not changed:
        when = show(flag.resolved_at, flag.cohort.timezone) if flag.resolved_at else ""
        return Resolution(changed=False, already=resolved_message(flag, when))
    red_flag_notify.tell_raiser_resolved(work, flag)
    _resolved_card_for_unsent(work.session, work.playbook, flag)
    sent = sent_messages_to(work.session, flag.id)
    return Resolution(changed=True, edits=red_flag_notify.edits(work.playbook, flag, sent))


def require_resolution(text: str) -> str:
    cleaned = require_length(text, MAX_RESOLUTION, "The resolution", field="resolution")
    if len(cleaned) < 3:
        raise InvalidInput("Say how it was resolved.", field="resolution")
    return cleaned


def _resolved_card_for_unsent(session: Session, playbook: Playbook, flag: RedFlag) -> None:
    text, blocks = flag_blocks.flag_card(red_flag_notify.card(playbook, flag))
    outbox.rewrite_unsent(session, f"redflag:{flag.id}:%", "redflag.raised", text, blocks)


def sent_messages_to(session: Session, flag_id: int) -> list[tuple[str, str, str | None]]:
    """(channel, ts, the reader's timezone) of every DM about this flag that reached Slack, so they
    can show the resolution with the times in each reader's own zone."""
    stmt = (
        select(Notification.channel_id, Notification.ts, Person.timezone)
        .outerjoin(Person, Person.slack_user_id == Notification.recipient)
        .where(
            Notification.key.like(f"redflag:{flag_id}:%"),
            Notification.kind == "redflag.raised",
            Notification.status == "sent",
        )
        .order_by(Notification.id)
    )
    return [(channel, ts, zone) for channel, ts, zone in session.execute(stmt) if channel and ts]
