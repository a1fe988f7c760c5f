from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.errors import Conflict, DomainError, InvalidInput, NotFound, UnknownUser
from bot.core.text import NAME, escape_line, shorten
from bot.slack import directory
from db.models import Enrollment, Person, Role

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
    """Serialise writes about one person (attempt counts, enrolments) across replicas. The person
    is read again once the lock is held: what the caller decides on is what the last writer left,
    not what this session read before it waited."""
    session.flush()
    session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    session.refresh(person)


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def enrollment_of(session: Session, person_id: int) -> Enrollment | None:
    """The agent's current class: the newest active enrollment. The policy's targets follow it,
    and so does every feature that asks which class an agent is in."""
    stmt = (
        select(Enrollment)
        .where(Enrollment.person_id == person_id, Enrollment.status == "active")
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
    )
    return session.scalars(stmt).first()


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
    """Create a person with `role`, or update an existing person's name; returns what changed, in
    words. An existing person's role never changes here (only `set_role`, the operator's, changes
    it), nor an N-Number or NPN already on record (only `set_identity`, an audited edit)."""
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
    for key, given, label in (("n_number", n_number, "N-Number"), ("npn", npn, "NPN")):
        stored = getattr(person, key)
        if given is None or given == stored:
            continue
        if stored is not None:
            raise Conflict(
                f"{escape_line(person.name)}'s {label} is {stored} on record, not {given}. An N-Number or NPN changes "
                f"only through `/cohort identity @agent N1234567 19283746` (audited); nothing was saved."
            )
        if key == "n_number":
            _n_number_free(session, given, slack_user_id)
        wanted[key] = given
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


def set_role(
    session: Session, person: Person, role: Role, *, actor: str, now: datetime, reason: str | None = None
) -> list[str]:
    """The one way a role changes: an admin's `training-day person add ... --role`, or the People
    and roles form on their Home, audited (with the admin's reason when they gave one)."""
    if person.role == role:
        return []
    before = person.role
    person.role, person.updated_at = role, now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.role_changed",
        entity="person",
        entity_id=person.id,
        at=now,
        details={"before": before.value, "after": role.value} | ({"reason": reason} if reason else {}),
    )
    return [f"{person.name} is now {_a(ROLE_NAMES[role])} (was {_a(ROLE_NAMES[before])})"]


def set_identity(
    session: Session, person: Person, *, n_number: str, npn: str, actor: str, now: datetime
) -> dict[str, tuple[str | None, str]]:
    """The one way an agent's N-Number and NPN change: an explicit edit, audited. Returns what
    changed (field -> (before, after))."""
    changes = {
        key: (getattr(person, key), value)
        for key, value in (("n_number", n_number), ("npn", npn))
        if getattr(person, key) != value
    }
    if not changes:
        return {}
    if "n_number" in changes:
        _n_number_free(session, n_number, person.slack_user_id)
    for key, (_before, after) in changes.items():
        setattr(person, key, after)
    person.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="person.identity_changed",
        entity="person",
        entity_id=person.id,
        at=now,
        details={
            "before": {k: old for k, (old, _new) in changes.items()},
            "after": {k: new for k, (_old, new) in changes.items()},
        },
    )
    return changes


def workspace_member(client: WebClient, slack_user_id: str) -> str:
    """The name of a real, active, human member of the workspace (users.info); a refusal for a
    deactivated account, a bot, an app's user or an ID Slack does not know. A network call: make
    it before the unit of work, never inside one."""
    try:
        member = directory.member(client, slack_user_id)
    except (SlackApiError, SlackClientError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        raise DomainError(
            f"I could not check <@{slack_user_id}> with Slack just now (`{reason}`); nothing was saved. "
            "Please try again in a minute."
        ) from None
    if member is None:
        raise NotFound(
            f"Slack does not know <@{slack_user_id}>: only members of this workspace can be enrolled."
        )
    if member.deleted:
        raise InvalidInput(
            f"<@{slack_user_id}>'s Slack account is deactivated: only active members can be enrolled."
        )
    if not member.human:
        raise InvalidInput(
            f"<@{slack_user_id}> is a bot or an app, not a person: only people can be enrolled."
        )
    return shorten(member.name, NAME)


def _n_number_free(session: Session, n_number: str, slack_user_id: str) -> None:
    holder = session.scalar(select(Person).where(Person.n_number == n_number))
    if holder is not None and holder.slack_user_id != slack_user_id:
        raise Conflict(
            f"N-Number {n_number} already belongs to {escape_line(holder.name)} (<@{holder.slack_user_id}>)."
        )


def _plain(value: object) -> object:
    return value.value if isinstance(value, Role) else value
