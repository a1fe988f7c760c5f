"""Red flags: anything that may stop an agent from being appointed or selling.

Who may raise one: TLs, PMs and admins (a TL or PM only for their own cohorts).
Who may resolve one: the cohort's PM and TL, every ESP manager, admins. Resolving is recorded
once: a second resolution (a double-click, two managers at once) changes nothing and is told
who resolved it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook, RedFlagCategory
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.services import audit, cohorts, people
from db.models import Cohort, Notification, Person, RedFlag, Role
from db.session import rows_matched

MAX_DESCRIPTION = 2000
MAX_RESOLUTION = 1000


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


def require_raiser(session: Session, slack_user_id: str, cohort: Cohort) -> Person:
    person = people.require_staff(session, slack_user_id, "raise red flags")
    if person.role != Role.ADMIN and person.id not in (cohort.tl_id, cohort.pm_id):
        raise NotAllowed(
            f"Only the team lead or production manager of {cohort.name} can raise red flags there."
        )
    return person


def may_resolve(person: Person, flag: RedFlag) -> bool:
    if person.role in (Role.ADMIN, Role.ESP_MANAGER):
        return True
    return person.id in (flag.cohort.pm_id, flag.cohort.tl_id)


def require_resolver(session: Session, slack_user_id: str, flag: RedFlag) -> Person:
    person = people.require_person(session, slack_user_id)
    if not may_resolve(person, flag):
        raise NotAllowed(
            "Sorry, only the class's production manager or team lead, ESP managers and admins can resolve red flags."
        )
    return person


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
            raise NotFound(f"{agent.name} is not enrolled in a class, so there is nobody to tell.")
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
    return f"{who} already resolved this red flag for {flag.person.name} ({when}): {flag.resolution}"


def recipients(session: Session, flag: RedFlag, playbook: Playbook) -> list[Person]:
    """Who hears about a new red flag: the cohort's PM, and every ESP manager."""
    found = [flag.cohort.pm]
    if playbook.red_flags.notify_esp_managers:
        found += [p for p in people.by_role(session, Role.ESP_MANAGER) if p.id != flag.cohort.pm_id]
    return found


def sent_messages(session: Session, flag_id: int) -> list[tuple[str, str]]:
    """(channel, ts) of every DM about this flag that reached Slack, so they can show the resolution."""
    stmt = (
        select(Notification.channel_id, Notification.ts)
        .where(
            Notification.key.like(f"redflag:{flag_id}:%"),
            Notification.kind == "redflag.raised",
            Notification.status == "sent",
        )
        .order_by(Notification.id)
    )
    return [(channel, ts) for channel, ts in session.execute(stmt) if channel and ts]
