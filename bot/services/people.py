from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.errors import Conflict, NotAllowed, NotFound, UnknownUser
from bot.services import audit
from db.models import STAFF_ROLES, Person, Role

UNKNOWN_USER_HELP = (
    "I don't know you yet. If you are an agent, ask your team lead to add you with "
    "`/cohort add @you N-Number NPN`; staff are added by an admin "
    '(`training-day person add USER_ID "Name" --role tl`).'
)

ROLE_NAMES = {
    Role.AGENT: "agent",
    Role.TL: "team lead",
    Role.PM: "production manager",
    Role.ESP_MANAGER: "ESP manager",
    Role.ADMIN: "admin",
}


def by_slack_id(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def require_person(session: Session, slack_user_id: str) -> Person:
    person = by_slack_id(session, slack_user_id)
    if person is None:
        raise UnknownUser(UNKNOWN_USER_HELP)
    return person


def require_agent(session: Session, slack_user_id: str) -> Person:
    agent = by_slack_id(session, slack_user_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"<@{slack_user_id}> is not an agent I know. Agents are added with `/cohort add`.")
    return agent


def lock(session: Session, person: Person) -> None:
    """Serialise writes about one person (attempt counts, enrolments) across replicas."""
    session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def require_role(session: Session, slack_user_id: str, roles: Iterable[Role], doing: str) -> Person:
    """The caller, if their role may `doing`; a polite refusal otherwise."""
    person = require_person(session, slack_user_id)
    allowed = set(roles)
    if person.role not in allowed:
        names = [ROLE_NAMES[r] + "s" for r in Role if r in allowed]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        raise NotAllowed(
            f"Sorry, only {listed} can {doing}. You are set up as {_a(ROLE_NAMES[person.role])}."
        )
    return person


def require_staff(session: Session, slack_user_id: str, doing: str) -> Person:
    return require_role(session, slack_user_id, STAFF_ROLES, doing)


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def by_role(session: Session, role: Role) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.role == role).order_by(Person.name)))


def upsert(
    session: Session,
    *,
    slack_user_id: str,
    name: str,
    role: Role,
    actor: str,
    now: datetime,
    n_number: str | None = None,
    npn: str | None = None,
    email: str | None = None,
) -> tuple[Person, list[str]]:
    """Create or update a person; returns what changed, in words. Never demotes staff to agent."""
    person = by_slack_id(session, slack_user_id)
    if person is None:
        if n_number:
            _n_number_free(session, n_number, slack_user_id)
        person = Person(
            slack_user_id=slack_user_id,
            name=name,
            role=role,
            n_number=n_number,
            npn=npn,
            email=email,
            created_at=now,
            updated_at=now,
        )
        session.add(person)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="person.created",
            entity="person",
            entity_id=person.id,
            at=now,
            details={"slack_user_id": slack_user_id, "name": name, "role": role.value},
        )
        return person, [f"added {name} ({ROLE_NAMES[role]})"]

    if role == Role.AGENT and person.role != Role.AGENT:
        raise Conflict(
            f"<@{slack_user_id}> is set up as {_a(ROLE_NAMES[person.role])} and cannot be enrolled as an agent."
        )
    wanted: dict[str, object] = {"name": name}
    if role != person.role and person.role != Role.ADMIN:
        wanted["role"] = role
    if n_number is not None:
        if n_number != person.n_number:
            _n_number_free(session, n_number, slack_user_id)
        wanted["n_number"] = n_number
    if npn is not None:
        wanted["npn"] = npn
    if email is not None:
        wanted["email"] = email
    changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    if not changes:
        return person, []
    before = {k: _plain(getattr(person, k)) for k in changes}
    for key, value in changes.items():
        setattr(person, key, value)
    person.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.updated",
        entity="person",
        entity_id=person.id,
        at=now,
        details={"before": before, "after": {k: _plain(v) for k, v in changes.items()}},
    )
    return person, [f"updated {person.name}: {', '.join(sorted(changes))}"]


def placeholder_name(role_title: str, slack_user_id: str) -> str:
    """The name a person gets when only their ID is known (a cohort file names staff by ID)."""
    return f"{role_title} {slack_user_id}"


def adopt_directory_name(
    session: Session, slack_user_id: str, name: str, *, actor: str, now: datetime
) -> bool:
    """Replace a placeholder name with the one Slack's directory gives; a real name is kept."""
    person = by_slack_id(session, slack_user_id)
    if person is None or not person.name.endswith(f" {slack_user_id}") or person.name == name:
        return False
    before, person.name, person.updated_at = person.name, name, now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.updated",
        entity="person",
        entity_id=person.id,
        at=now,
        details={"before": {"name": before}, "after": {"name": name}},
    )
    return True


def _n_number_free(session: Session, n_number: str, slack_user_id: str) -> None:
    holder = session.scalar(select(Person).where(Person.n_number == n_number))
    if holder is not None and holder.slack_user_id != slack_user_id:
        raise Conflict(f"N-Number {n_number} already belongs to {holder.name} (<@{holder.slack_user_id}>).")


def _plain(value: object) -> object:
    return value.value if isinstance(value, Role) else value
