"""People and roles from Slack, for admins: make someone a team lead, production manager, ESP
manager or admin, or take a staff role away, with a reason. The same audited change as the
operator's `training-day person add ... --role` (bot/core/people.set_role), through the policy.

Guards: only an active, human member of the workspace gets a role; the last admin keeps theirs;
someone who leads a class with agents in it keeps a role that may lead it until the class has
another team lead or PM."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from bot.access.policy import Action
from bot.core import audit, people
from bot.core.context import AppContext
from bot.core.errors import Conflict, InvalidInput
from bot.core.text import NOTE, require_length
from bot.core.unit_of_work import Caller, Work, use_case
from bot.slack import directory
from db.models import Cohort, Enrollment, Person, Role

log = logging.getLogger(__name__)

# What the form offers: the staff roles, and taking the staff role away.
REMOVE = "remove"
CHOICES: dict[str, str] = {
    Role.TL.value: "Team lead",
    Role.PM.value: "Production manager",
    Role.ESP_MANAGER.value: "ESP manager",
    Role.ADMIN.value: "Admin",
    REMOVE: "Remove their staff role",
}


@dataclass(frozen=True)
class RoleRequest:
    user_id: str
    choice: str
    reason: str


@dataclass(frozen=True)
class RoleChanged:
    name: str
    role: str  # the role's name in words
    changed: bool


@use_case
def roles_form(work: Work) -> bool:
    """The Home's "People and roles" button: only admins change roles."""
    work.allow_ever(Action.ROLE_CHANGE)
    return True


def change_role(ctx: AppContext, caller: Caller, request: RoleRequest) -> RoleChanged:
    """The form's submission. The policy answers first; then Slack's directory, outside the unit of
    work (a real, active person gets a role); then the change, audited."""
    roles_form(ctx, Caller(caller.user_id))  # the policy only: the submission's key is _change's
    if request.choice not in CHOICES:
        raise InvalidInput("Choose one of the roles.", field="role")
    reason = require_length(request.reason, NOTE, "The reason", field="reason")
    if not reason:
        raise InvalidInput("Say why (it is kept with the change).", field="reason")
    name = people.workspace_member(ctx.client, request.user_id) if request.choice != REMOVE else None
    return _change(ctx, caller, request, reason, name)


@use_case
def _change(work: Work, request: RoleRequest, reason: str, name: str | None) -> RoleChanged:
    actor = work.allow(Action.ROLE_CHANGE)
    session = work.session
    # Every admin's row first, in one order: two admins removing each other at once (two replicas)
    # count the admins one after the other, so the second is refused as the last admin.
    session.scalars(
        select(Person.id).where(Person.role == Role.ADMIN).order_by(Person.id).with_for_update()
    ).all()
    person = people.by_slack_id(session, request.user_id)
    if request.choice == REMOVE:
        if person is None or person.role == Role.AGENT:
            raise InvalidInput(f"<@{request.user_id}> holds no staff role; nothing changed.", field="person")
        role = Role.AGENT
    else:
        role = Role(request.choice)
    if person is None:
        assert name is not None
        person, _ = people.upsert(
            session,
            slack_user_id=request.user_id,
            name=name,
            role=role,
            actor=actor.slack_user_id,
            now=work.now,
        )
        # Created with the role: recorded as a role change too, so every grant carries its reason.
        audit.record(
            session,
            actor=actor.slack_user_id,
            action="person.role_changed",
            entity="person",
            entity_id=person.id,
            at=work.now,
            details={"before": None, "after": role.value, "reason": reason},
        )
        return RoleChanged(name=person.name, role=people.ROLE_NAMES[role], changed=True)
    people.lock(session, person)
    if person.role == role:
        return RoleChanged(name=person.name, role=people.ROLE_NAMES[role], changed=False)
    _may_leave(work, person, role)
    people.set_role(session, person, role, actor=actor.slack_user_id, now=work.now, reason=reason)
    return RoleChanged(name=person.name, role=people.ROLE_NAMES[role], changed=True)


def _may_leave(work: Work, person: Person, role: Role) -> None:
    """Refuse a change that would leave the bot without an admin, a class without its lead, or
    an agent's records without their class."""
    session = work.session
    if person.role == Role.ADMIN:
        admins = session.scalar(select(func.count()).select_from(Person).where(Person.role == Role.ADMIN))
        if (admins or 0) <= 1:
            raise Conflict(
                f"{person.name} is the last admin: make someone else an admin first, so the bot keeps one.",
                field="role",
            )
    if person.role == Role.AGENT and people.enrollment_of(session, person.id) is not None:
        raise Conflict(
            f"{person.name} is an agent in a class: staff are never enrolled agents. Their class's team "
            "lead removes them from it first.",
            field="person",
        )
    leading = _leading(work, person)
    keeps = role == Role.ADMIN or any(
        (c.tl_id == person.id and role == Role.TL) or (c.pm_id == person.id and role == Role.PM)
        for c in leading
    )
    if leading and not keeps:
        names = ", ".join(c.name for c in leading[:3]) + (" and others" if len(leading) > 3 else "")
        raise Conflict(
            f"{person.name} leads classes with agents in them ({names}): those classes need another team "
            "lead or PM before this role changes.",
            field="role",
        )


def _leading(work: Work, person: Person) -> list[Cohort]:
    stmt = (
        select(Cohort)
        .where((Cohort.tl_id == person.id) | (Cohort.pm_id == person.id))
        .where(
            select(Enrollment.id)
            .where(Enrollment.cohort_id == Cohort.id, Enrollment.status == "active")
            .exists()
        )
        .order_by(Cohort.start_date)
    )
    return list(work.session.scalars(stmt))


def seed_admins(ctx: AppContext, user_ids: list[str]) -> list[str]:
    """ADMIN_USER_IDS at start: each becomes an admin (audited as the setting's doing); someone
    already an admin is left alone, and nobody loses a role here. Returns what changed, in words."""
    changes: list[str] = []
    for user_id in user_ids:
        name = directory.display_name(ctx.client, user_id, fallback=user_id) or user_id
        with ctx.db.session() as session:
            person, made = people.upsert(
                session,
                slack_user_id=user_id,
                name=name,
                role=Role.ADMIN,
                actor="settings",
                now=ctx.clock.now(),
            )
            if person.role == Role.AGENT and people.enrollment_of(session, person.id) is not None:
                log.warning("ADMIN_USER_IDS: %s is an agent in a class; not made an admin", user_id)
                continue
            made += people.set_role(
                session, person, Role.ADMIN, actor="settings", now=ctx.clock.now(), reason="ADMIN_USER_IDS"
            )
            changes += made
    return changes
