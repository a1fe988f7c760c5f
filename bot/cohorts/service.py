from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.access import policy
from bot.access import targets as access
from bot.access.policy import Action
from bot.calendar import class_days
from bot.cohorts import blocks as cohort_blocks
from bot.cohorts.spec import AgentSpec, CohortSpec
from bot.cohorts.types import AgentEnrolled, AgentTransferred, CohortCreated
from bot.cohorts.welcome import welcome as welcome_blocks
from bot.config.playbook import Playbook
from bot.core import audit, people
from bot.core import event_dedup as events
from bot.core.context import AppContext
from bot.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.core.text import escape
from bot.core.timefmt import local, show_date
from bot.core.unit_of_work import Caller, Work, use_case
from bot.slack.blocks import fit_blocks
from db.models import AhipClock, Cohort, Enrollment, Person, Role

log = logging.getLogger(__name__)

NO_COHORT_HERE = (
    "This channel has no cohort. Type the command in the class channel, or create a cohort with "
    "`/cohort new` (or `training-day cohort import FILE.yml`)."
)


@dataclass
class ImportResult:
    cohort: Cohort
    created: bool
    changes: list[str] = field(default_factory=list)
    new_agent_ids: list[int] = field(default_factory=list)


def by_id(session: Session, cohort_id: int) -> Cohort:
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound(f"There is no cohort with ID {cohort_id}. `training-day cohort list` shows them.")
    return cohort


def for_channel(session: Session, channel_id: str) -> Cohort | None:
    return session.scalar(select(Cohort).where(Cohort.channel_id == channel_id))


def require_for_channel(session: Session, channel_id: str) -> Cohort:
    cohort = for_channel(session, channel_id)
    if cohort is None:
        raise NotFound(NO_COHORT_HERE)
    return cohort


def all_cohorts(session: Session) -> list[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.start_date, Cohort.id)))


def visible_to(session: Session, person: Person) -> list[Cohort]:
    """The cohorts a staff member works with: admins see all, TLs and PMs their own."""
    stmt = select(Cohort).order_by(Cohort.start_date, Cohort.id)
    if person.role != Role.ADMIN:
        stmt = stmt.where((Cohort.tl_id == person.id) | (Cohort.pm_id == person.id))
    return list(session.scalars(stmt))


def plan_fingerprint(session: Session) -> tuple[int, str]:
    """Changes whenever a cohort is created or edited, or an agent's clock is paused, resumed or
    started (its marks move): the scheduler re-plans when it moves."""
    count, newest = session.execute(select(func.count(Cohort.id), func.max(Cohort.updated_at))).one()
    clocks = session.scalar(select(func.max(AhipClock.updated_at)))
    return int(count), (newest.isoformat() if newest else "") + "|" + (clocks.isoformat() if clocks else "")


def active_enrollments(session: Session, cohort_id: int) -> list[Enrollment]:
    stmt = (
        select(Enrollment)
        .join(Person, Enrollment.person_id == Person.id)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status == "active")
        .order_by(Person.name)
    )
    return list(session.scalars(stmt))


def tracked_enrollments(session: Session, cohort_id: int) -> list[Enrollment]:
    """Active agents and those moved to production (the tracker keeps them), by name."""
    stmt = (
        select(Enrollment)
        .join(Person, Enrollment.person_id == Person.id)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status.in_(("active", "production")))
        .order_by(Person.name)
    )
    return list(session.scalars(stmt))


def active_agents(session: Session, cohort_id: int) -> list[Person]:
    return [e.person for e in active_enrollments(session, cohort_id)]


def enrollment_of(session: Session, person_id: int) -> Enrollment | None:
    """The agent's current cohort (the newest active enrollment)."""
    return people.enrollment_of(session, person_id)


def import_cohort(session: Session, spec: CohortSpec, *, actor: str, now: datetime) -> ImportResult:
    """Create or update a cohort from a file; running it twice on the same file changes nothing.

    The team lead and production manager must already hold their roles: a cohort never changes
    anybody's role (an admin sets roles with `training-day person add ... --role`)."""
    tl = _staff(session, spec.team_lead, Role.TL, field="team_lead")
    pm = _staff(session, spec.production_manager, Role.PM, field="production_manager")
    changes: list[str] = []

    cohort = for_channel(session, spec.channel) or session.scalar(
        select(Cohort).where(Cohort.name == spec.name)
    )
    fields = _cohort_fields(spec, tl, pm)
    created = cohort is None
    if cohort is None:
        _name_free(session, spec.name, None)
        cohort = Cohort(**fields, created_at=now, updated_at=now)
        session.add(cohort)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="cohort.created",
            entity="cohort",
            entity_id=cohort.id,
            at=now,
            details=_plain_fields(fields),
        )
        changes.append(f"created cohort {cohort.name}")
    else:
        if spec.name != cohort.name:
            _name_free(session, spec.name, cohort.id)
        diff = {k: v for k, v in fields.items() if getattr(cohort, k) != v}
        if diff:
            before = _plain_fields({k: getattr(cohort, k) for k in diff})
            for key, value in diff.items():
                setattr(cohort, key, value)
            cohort.updated_at = now
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="cohort.updated",
                entity="cohort",
                entity_id=cohort.id,
                at=now,
                details={"before": before, "after": _plain_fields(diff)},
            )
            changes.append(f"updated cohort: {', '.join(sorted(diff))}")

    result = ImportResult(cohort=cohort, created=created, changes=changes)
    listed: set[int] = set()
    for agent in spec.agents:
        person, enrolled_changes, newly = _enroll(session, cohort, agent, actor=actor, now=now)
        listed.add(person.id)
        result.changes += enrolled_changes
        if newly:
            result.new_agent_ids.append(person.id)
    for enrollment in active_enrollments(session, cohort.id):
        if enrollment.person_id not in listed:
            enrollment.status = "removed"
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="enrollment.removed",
                entity="enrollment",
                entity_id=enrollment.id,
                at=now,
                details={"reason": "not in the cohort file"},
            )
            result.changes.append(f"removed {enrollment.person.name} (no longer in the file)")
    return result


def enroll_from_roster(
    session: Session, cohort: Cohort, agent: AgentSpec, *, actor: str, now: datetime
) -> tuple[Person, list[str], bool]:
    """One checked roster row's agent, as a cohort file's (a roster's rows are checked first)."""
    return _enroll(session, cohort, agent, actor=actor, now=now)


def _enroll(
    session: Session, cohort: Cohort, agent: AgentSpec, *, actor: str, now: datetime
) -> tuple[Person, list[str], bool]:
    """A cohort file's agent: created if new; an agent active in another class is refused (a move
    is an explicit `/cohort transfer`), and an N-Number or NPN on record is never overwritten."""
    person, changes = people.upsert(
        session,
        slack_user_id=agent.slack_id,
        name=agent.name,
        role=Role.AGENT,
        n_number=agent.n_number,
        npn=agent.npn,
        email=agent.email,
        actor=actor,
        now=now,
    )
    people.lock(session, person)
    current = enrollment_of(session, person.id)
    if current is not None and current.cohort_id == cohort.id:
        return person, changes, False
    if current is not None:
        raise Conflict(_active_elsewhere(person, current.cohort))
    moved = moved_to_production(session, person.id)
    if moved is not None and moved.cohort_id == cohort.id:
        return person, changes, False  # listed again in the file they left for production: they stay there
    if moved is not None:
        raise Conflict(_in_production(person, moved, cohort_channel=cohort.channel_id))
    _activate(session, cohort, person, actor=actor, now=now)
    return person, [*changes, f"enrolled {person.name}"], True


def moved_to_production(session: Session, person_id: int) -> Enrollment | None:
    """The agent's latest move to production, when they are not back in training since."""
    stmt = (
        select(Enrollment)
        .where(Enrollment.person_id == person_id, Enrollment.moved_to_production_at.is_not(None))
        .order_by(Enrollment.moved_to_production_at.desc(), Enrollment.id.desc())
    )
    moved = session.scalars(stmt).first()
    if moved is None or enrollment_of(session, person_id) is not None:
        return None
    later = session.scalar(
        select(Enrollment.id).where(
            Enrollment.person_id == person_id,
            Enrollment.id != moved.id,
            Enrollment.enrolled_at > moved.moved_to_production_at,
        )
    )
    return None if later is not None else moved


def _in_production(person: Person, moved: Enrollment, *, cohort_channel: str) -> str:
    when = show_date(local(moved.moved_to_production_at or moved.enrolled_at, moved.cohort.timezone).date())
    return (
        f"{person.name} moved to production on {when} (from {escape(moved.cohort.name)}), so they are no "
        "longer in training; nothing was saved. To bring them back into a class on purpose, type "
        f"`/cohort add <@{person.slack_user_id}> N-Number NPN reopen` in <#{cohort_channel}> (it is recorded)."
    )


def _activate(
    session: Session,
    cohort: Cohort,
    person: Person,
    *,
    actor: str,
    now: datetime,
    details: dict[str, Any] | None = None,
    reopen: bool = False,
) -> Enrollment:
    """An active enrollment of `person` in `cohort` (a new row, or their earlier one again), audited.
    An enrollment moved to production becomes active again only when `reopen` says so, and then
    its move is undone in the same write (audited with when and by whom it was): never active and
    moved at once."""
    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.person_id == person.id)
    )
    if enrollment is None:
        enrollment = Enrollment(cohort_id=cohort.id, person_id=person.id, status="active", enrolled_at=now)
        session.add(enrollment)
    else:
        if enrollment.moved_to_production_at is not None:
            if not reopen:
                raise Conflict(_in_production(person, enrollment, cohort_channel=cohort.channel_id))
            details = {
                **(details or {}),
                "reopened": {
                    "moved_to_production_at": enrollment.moved_to_production_at.isoformat(),
                    "moved_to_production_by_id": enrollment.moved_to_production_by_id,
                },
            }
            enrollment.moved_to_production_at = None
            enrollment.moved_to_production_by_id = None
        enrollment.status = "active"
        enrollment.enrolled_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="enrollment.reopened" if details and "reopened" in details else "enrollment.added",
        entity="enrollment",
        entity_id=enrollment.id,
        at=now,
        details={"cohort_id": cohort.id, "person_id": person.id, **(details or {})},
    )
    return enrollment


def _active_elsewhere(person: Person, other: Cohort) -> str:
    return (
        f"{person.name} is active in {escape(other.name)} (<#{other.channel_id}>): an agent is in one class "
        f"at a time. To move them here, type `/cohort transfer <@{person.slack_user_id}>` in this channel."
    )


def _staff(session: Session, slack_user_id: str, role: Role, *, field: str) -> Person:
    """The person named as team lead or PM, if they hold that role (or are an admin)."""
    person = people.by_slack_id(session, slack_user_id)
    if person is not None and person.role in (role, Role.ADMIN):
        return person
    title = people.ROLE_NAMES[role]
    raise InvalidInput(
        f"<@{slack_user_id}> is not set up as a {title}. An admin sets roles: "
        f'`training-day person add {slack_user_id} "Name" --role {role.value}`.',
        field=field,
    )


def _name_free(session: Session, name: str, cohort_id: int | None) -> None:
    holder = session.scalar(select(Cohort).where(Cohort.name == name))
    if holder is not None and holder.id != cohort_id:
        raise Conflict(f"A cohort named {name!r} already exists (channel <#{holder.channel_id}>).")


def _cohort_fields(spec: CohortSpec, tl: Person, pm: Person) -> dict[str, Any]:
    return {
        "name": spec.name,
        "channel_id": spec.channel,
        "timezone": spec.timezone,
        "start_date": spec.start_date,
        "days": spec.days,
        "training_link": spec.training_link,
        "tl_id": tl.id,
        "pm_id": pm.id,
        "schedule": spec.schedule.model_dump(mode="json") if spec.schedule else None,
        "skip_dates": [d.model_dump(mode="json") for d in spec.skip_dates] or None,
    }


def _plain_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}


# The use cases of /cohort, its modal and the channel-join welcome.


@dataclass(frozen=True)
class CohortRow:
    name: str
    channel_id: str
    start_date: date
    days: int
    timezone: str
    agents: int
    tl_name: str
    pm_name: str


@use_case
def list_cohorts(work: Work, channel_id: str) -> list[CohortRow]:
    """/cohort: the cohorts the caller may see. Typed in a class channel, it reads that class too,
    so it is refused there like any other read of a class the caller does not lead."""
    here = for_channel(work.session, channel_id)
    actor = work.allow(Action.COHORT_LIST, access.cohort_target(here) if here else policy.NO_TARGET)
    grants = work.playbook.access.grants
    shown = [
        c
        for c in all_cohorts(work.session)
        if policy.allowed(
            actor.role, Action.COHORT_LIST, policy.relation(actor, access.cohort_target(c)), grants
        )
    ]
    return [
        CohortRow(
            name=c.name,
            channel_id=c.channel_id,
            start_date=c.start_date,
            days=c.days,
            timezone=c.timezone,
            agents=len(active_enrollments(work.session, c.id)),
            tl_name=c.tl.name,
            pm_name=c.pm.name,
        )
        for c in shown
    ]


@dataclass(frozen=True)
class NewCohortForm:
    today: date


@use_case
def new_cohort_form(work: Work) -> NewCohortForm:
    """/cohort new: may the caller create cohorts at all (the form picks the channel)."""
    work.allow_ever(Action.COHORT_CREATE)
    return NewCohortForm(today=local(work.now, "America/Chicago").date())


@dataclass(frozen=True)
class CreatedCohort:
    cohort_id: int
    name: str
    channel_id: str
    start_date: date
    days: int


def _calendar_line(cohort: Cohort, playbook: Playbook) -> str:
    """The dates the class skips and its real last day, for the creator's confirmation."""
    return cohort_blocks.skipped_line(
        class_days.skipped(cohort, playbook), class_days.dates_of(cohort, playbook)[-1]
    )


@use_case
def create_from_form(work: Work, spec: CohortSpec) -> CreatedCohort:
    """The /cohort new modal: create the cohort and DM its creator. After the commit, the
    CohortCreated subscribers learn each person's timezone from Slack, tell the TL the dates the
    class skips and send the G2T links if they are due (bot/hooks.py)."""
    actor = check_new_cohort(work, spec)
    return create_cohort(work, spec, actor)


def check_new_cohort(work: Work, spec: CohortSpec) -> Person:
    """The actor, if they may create this class: its channel and name are free and its TL and PM
    hold their roles. Each refusal names the form's field it is about."""
    existing = for_channel(work.session, spec.channel)
    if existing is not None:
        taken = f"<#{spec.channel}> already has a cohort: {escape(existing.name)}."
        try:
            work.allow(Action.COHORT_CREATE, access.cohort_target(existing))
        except NotAllowed:
            if not policy.may_ever(work.actor.role, Action.COHORT_CREATE, work.playbook.access.grants):
                raise
            raise NotAllowed(f"Sorry, {taken}", field="channel") from None
        raise Conflict(taken, field="channel")
    actor = work.allow(Action.COHORT_CREATE)
    try:
        _name_free(work.session, spec.name, None)
    except Conflict as exc:
        raise Conflict(exc.message, field="name") from None
    _staff(work.session, spec.team_lead, Role.TL, field="team_lead")
    _staff(work.session, spec.production_manager, Role.PM, field="production_manager")
    return actor


def create_cohort(work: Work, spec: CohortSpec, actor: Person) -> CreatedCohort:
    """Write the class (and the agents `spec` lists) in the caller's unit of work, and DM its creator."""
    cohort = import_cohort(work.session, spec, actor=actor.slack_user_id, now=work.now).cohort
    work.emit(CohortCreated(cohort_id=cohort.id))
    agents = f" with {len(spec.agents)} agents" if spec.agents else ""
    work.notify(
        key=f"cohort.created:{cohort.id}",
        kind="cohort_created",
        recipient=actor.slack_user_id,
        text=f"Created {escape(spec.name)}{agents}.",
        blocks=cohort_blocks.cohort_created(
            spec.name,
            spec.channel,
            spec.start_date,
            spec.days,
            _calendar_line(cohort, work.playbook),
            agents=len(spec.agents),
        ),
    )
    return CreatedCohort(
        cohort_id=cohort.id,
        name=cohort.name,
        channel_id=cohort.channel_id,
        start_date=cohort.start_date,
        days=cohort.days,
    )


@dataclass(frozen=True)
class EnrollInput:
    channel_id: str
    agent_user_id: str
    n_number: str
    npn: str
    reopen: bool = False  # bring back an agent who moved to production, on purpose


@dataclass(frozen=True)
class Enrolled:
    added: bool  # False: they were already in the class, and nothing changed
    agent_name: str
    agent_slack_id: str
    n_number: str
    cohort_id: int
    cohort_name: str
    person_id: int
    # What the typed N-Number / NPN disagree with on record, in words (only when already enrolled).
    differences: list[str] = field(default_factory=list)
    reopened: bool = False  # they had moved to production, and are back in training


def enroll_agent(ctx: AppContext, caller: Caller, data: EnrollInput) -> Enrolled:
    """/cohort add @agent N-Number NPN, typed in the class channel. The policy answers first, so a
    refusal costs Slack nothing; then users.info, outside the unit of work; then the enrollment."""
    _may_act_here(ctx, caller, Action.AGENT_ENROLL, data.channel_id)
    name = people.workspace_member(ctx.client, data.agent_user_id)
    return _enroll_agent(ctx, caller, data, name)


@use_case
def _may_act_here(work: Work, action: Action, channel_id: str) -> bool:
    """The policy's answer before a users.info call, so a refusal costs Slack nothing."""
    _class_here(work, action, channel_id)
    return True


def class_here(work: Work, action: Action, channel_id: str) -> tuple[Person, Cohort]:
    """The actor and the class of the channel the command was typed in, if the actor may act there."""
    return _class_here(work, action, channel_id)


def _class_here(work: Work, action: Action, channel_id: str) -> tuple[Person, Cohort]:
    """The actor and the class of the channel the command was typed in, if the actor may act there."""
    cohort = for_channel(work.session, channel_id)
    if cohort is not None:
        return work.allow(action, access.cohort_target(cohort)), cohort
    try:
        work.allow(action)
    except NotAllowed:
        if not policy.may_ever(work.actor.role, action, work.playbook.access.grants):
            raise
        raise NotAllowed(
            f"Sorry, you can only {policy.DOING[action]} in a class channel. {NO_COHORT_HERE}"
        ) from None
    raise NotFound(NO_COHORT_HERE)


@use_case
def _enroll_agent(work: Work, data: EnrollInput, name: str) -> Enrolled:
    session = work.session
    actor, cohort = _class_here(work, Action.AGENT_ENROLL, data.channel_id)
    person = people.by_slack_id(session, data.agent_user_id)
    if person is None:
        # Between that read and this insert a racing request may have enrolled them: upsert then
        # returns that person unchanged, and the checks below see its enrollment.
        person, _changes = people.upsert(
            session,
            slack_user_id=data.agent_user_id,
            name=name,
            role=Role.AGENT,
            n_number=data.n_number,
            npn=data.npn,
            actor=actor.slack_user_id,
            now=work.now,
        )
    # A repeat, or a race another request won: read what is there (under the lock), change nothing.
    people.lock(session, person)
    if person.role != Role.AGENT:
        raise Conflict(
            f"<@{person.slack_user_id}> is set up as {people.ROLE_NAMES[person.role]}, not an agent, "
            "and cannot be enrolled."
        )
    current = enrollment_of(session, person.id)
    differences = _differences(person, data)
    if current is not None and current.cohort_id == cohort.id:
        return _enrolled(person, cohort, added=False, differences=differences)
    if current is not None:
        raise Conflict(_active_elsewhere(person, current.cohort))
    if differences:
        raise Conflict(_not_as_on_record(work, person, differences))
    moved = moved_to_production(session, person.id)
    if moved is not None and not data.reopen:
        raise Conflict(_in_production(person, moved, cohort_channel=cohort.channel_id))
    _activate(
        session,
        cohort,
        person,
        actor=actor.slack_user_id,
        now=work.now,
        reopen=data.reopen and moved is not None,
        details={"back_from_production": moved.id} if moved is not None else None,
    )
    work.emit(AgentEnrolled(cohort_id=cohort.id, person_id=person.id))
    return _enrolled(person, cohort, added=True, reopened=moved is not None)


def may_read_record(work: Work) -> Callable[[Person], bool]:
    """Whether the policy lets the actor read a person's record (their N-Number and NPN)."""
    actor, grants = work.actor, work.playbook.access.grants

    def readable(person: Person) -> bool:
        target = access.agent_target(work.session, person)
        return policy.allowed(actor.role, Action.AGENT_IDENTITY_EDIT, policy.relation(actor, target), grants)

    return readable


def _not_as_on_record(work: Work, person: Person, differences: list[str]) -> str:
    """The refusal of an N-Number or NPN that is not the one on record. It shows the values on
    record only to someone the policy lets read them: a TL adding somebody who is in none of
    their classes (no class at all, say, after production) learns only that they differ."""
    target = access.agent_target(work.session, person)
    actor = work.actor
    grants = work.playbook.access.grants
    if policy.allowed(actor.role, Action.AGENT_IDENTITY_EDIT, policy.relation(actor, target), grants):
        return f"{person.name} is on record with {' and '.join(differences)}; nothing was saved. {IDENTITY_POINTER}"
    return (
        f"The N-Number or NPN you typed is not the one on record for {person.name}; nothing was saved. "
        "Check them with the agent; an admin can correct the record with `/cohort identity`."
    )


IDENTITY_POINTER = "To correct them, type `/cohort identity @agent N1234567 19283746` (it is recorded)."


def _differences(person: Person, data: EnrollInput) -> list[str]:
    found = []
    if person.n_number is not None and person.n_number != data.n_number:
        found.append(f"N-Number {person.n_number} (you typed {data.n_number})")
    if person.npn is not None and person.npn != data.npn:
        found.append(f"NPN {person.npn} (you typed {data.npn})")
    return found


def _enrolled(
    person: Person,
    cohort: Cohort,
    *,
    added: bool,
    differences: list[str] | None = None,
    reopened: bool = False,
) -> Enrolled:
    return Enrolled(
        added=added,
        agent_name=person.name,
        agent_slack_id=person.slack_user_id,
        n_number=person.n_number or "",
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        person_id=person.id,
        differences=differences or [],
        reopened=reopened,
    )


@dataclass(frozen=True)
class TransferInput:
    channel_id: str
    agent_user_id: str


@dataclass(frozen=True)
class Transferred:
    moved: bool  # False: they were already active in this class
    agent_name: str
    cohort_id: int
    cohort_name: str
    person_id: int
    from_name: str | None = None


def transfer_agent(ctx: AppContext, caller: Caller, data: TransferInput) -> Transferred:
    """/cohort transfer @agent, typed in the receiving class's channel."""
    _may_act_here(ctx, caller, Action.AGENT_TRANSFER, data.channel_id)
    people.workspace_member(ctx.client, data.agent_user_id)  # still a real, active person
    return _transfer_agent(ctx, caller, data)


@use_case
def _transfer_agent(work: Work, data: TransferInput) -> Transferred:
    session = work.session
    actor, cohort = _class_here(work, Action.AGENT_TRANSFER, data.channel_id)
    person = people.require_agent(session, data.agent_user_id)
    people.lock(session, person)
    current = enrollment_of(session, person.id)
    if current is None:
        raise Conflict(
            f"{person.name} is not active in any class, so there is nothing to move: add them with "
            "`/cohort add @agent N1234567 19283746`."
        )
    if current.cohort_id == cohort.id:
        return Transferred(
            moved=False,
            agent_name=person.name,
            cohort_id=cohort.id,
            cohort_name=cohort.name,
            person_id=person.id,
        )
    sending = current.cohort
    current.status = "transferred"
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="enrollment.transferred",
        entity="enrollment",
        entity_id=current.id,
        at=work.now,
        details={"person_id": person.id, "from_cohort_id": sending.id, "to_cohort_id": cohort.id},
    )
    enrollment = _activate(
        session,
        cohort,
        person,
        actor=actor.slack_user_id,
        now=work.now,
        details={"transferred_from": sending.id},
    )
    work.emit(AgentTransferred(cohort_id=cohort.id, person_id=person.id, from_cohort_id=sending.id))
    if sending.tl.slack_user_id != actor.slack_user_id:
        work.notify(
            key=f"agent.transferred:{enrollment.id}:{work.now.isoformat()}",
            kind="agent_transferred",
            recipient=sending.tl.slack_user_id,
            text=(
                f"{person.name} moved from {escape(sending.name)} to {escape(cohort.name)} "
                f"(by {actor.name}). Their records so far stay with {escape(sending.name)}."
            ),
        )
    return Transferred(
        moved=True,
        agent_name=person.name,
        cohort_id=cohort.id,
        cohort_name=cohort.name,
        person_id=person.id,
        from_name=sending.name,
    )


@dataclass(frozen=True)
class IdentityInput:
    agent_user_id: str
    n_number: str
    npn: str


@dataclass(frozen=True)
class IdentityEdited:
    agent_name: str
    n_number: str
    npn: str
    changed: dict[str, list[str | None]]  # field -> [before, after]


@use_case
def edit_identity(work: Work, data: IdentityInput) -> IdentityEdited:
    """/cohort identity @agent N-Number NPN: the explicit, audited edit of an agent's identity."""
    agent = people.require_agent(work.session, data.agent_user_id)
    actor = work.allow(Action.AGENT_IDENTITY_EDIT, access.agent_target(work.session, agent))
    people.lock(work.session, agent)
    changed = people.set_identity(
        work.session, agent, n_number=data.n_number, npn=data.npn, actor=actor.slack_user_id, now=work.now
    )
    return IdentityEdited(
        agent_name=agent.name,
        n_number=data.n_number,
        npn=data.npn,
        changed={k: [before, after] for k, (before, after) in changed.items()},
    )


@dataclass(frozen=True)
class Welcome:
    agent_name: str
    cohort_name: str


def welcome_joined(ctx: AppContext, caller: Caller, event_id: str | None, channel_id: str) -> None:
    """member_joined_channel: greet an agent of the class in its channel, once per event. The
    greeting is an ephemeral, which the outbox does not send, so it is posted here after the commit."""
    welcome = _claim_welcome(ctx, caller, event_id, channel_id)
    if welcome is None:
        return
    try:
        ctx.client.chat_postEphemeral(
            channel=channel_id,
            user=caller.user_id,
            text=f"Welcome to {welcome.cohort_name}!",
            blocks=fit_blocks(welcome_blocks(welcome.agent_name, welcome.cohort_name, ctx.playbook)),
        )
    except SlackApiError as exc:
        # Not welcomed: forget the event so Slack's retry gets another chance.
        log.warning("could not welcome %s in %s: %s", caller.user_id, channel_id, exc.response.get("error"))
        with ctx.db.session() as session:
            events.release(session, event_id)


@use_case
def _claim_welcome(work: Work, event_id: str | None, channel_id: str) -> Welcome | None:
    if not events.claim(work.session, event_id, work.now):
        return None
    cohort = for_channel(work.session, channel_id)
    person = people.by_slack_id(work.session, work.caller.user_id)
    if cohort is None or person is None:
        return None
    current = enrollment_of(work.session, person.id)
    if current is None or current.cohort_id != cohort.id:
        return None
    return Welcome(agent_name=person.name, cohort_name=cohort.name)
