from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config.playbook import DaySchedule, Playbook
from bot.core.errors import Conflict, NotFound
from bot.domain.cohort_spec import AgentSpec, CohortSpec
from bot.services import audit, people
from db.models import Cohort, Enrollment, Person, Role

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
    """Changes whenever a cohort is created or edited: the scheduler re-plans when it moves."""
    count, newest = session.execute(select(func.count(Cohort.id), func.max(Cohort.updated_at))).one()
    return int(count), newest.isoformat() if newest else ""


def active_enrollments(session: Session, cohort_id: int) -> list[Enrollment]:
    stmt = (
        select(Enrollment)
        .join(Person, Enrollment.person_id == Person.id)
        .where(Enrollment.cohort_id == cohort_id, Enrollment.status == "active")
        .order_by(Person.name)
    )
    return list(session.scalars(stmt))


def active_agents(session: Session, cohort_id: int) -> list[Person]:
    return [e.person for e in active_enrollments(session, cohort_id)]


def enrollment_of(session: Session, person_id: int) -> Enrollment | None:
    """The agent's current cohort (the newest active enrollment)."""
    stmt = (
        select(Enrollment)
        .where(Enrollment.person_id == person_id, Enrollment.status == "active")
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
    )
    return session.scalars(stmt).first()


def schedule_of(cohort: Cohort, playbook: Playbook) -> DaySchedule:
    if cohort.schedule:
        return DaySchedule.model_validate(cohort.schedule)
    return playbook.day


def import_cohort(
    session: Session, spec: CohortSpec, *, actor: str, now: datetime, names: Mapping[str, str] | None = None
) -> ImportResult:
    """Create or update a cohort from a file; running it twice on the same file changes nothing.

    `names` maps staff user IDs to display names (the file carries only their IDs)."""
    names = names or {}
    tl, changes = people.upsert(
        session,
        slack_user_id=spec.team_lead,
        name=names.get(spec.team_lead) or _staff_name(session, spec.team_lead, "Team lead"),
        role=Role.TL,
        actor=actor,
        now=now,
    )
    pm, pm_changes = people.upsert(
        session,
        slack_user_id=spec.production_manager,
        name=names.get(spec.production_manager)
        or _staff_name(session, spec.production_manager, "Production manager"),
        role=Role.PM,
        actor=actor,
        now=now,
    )
    changes += pm_changes

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


def create_cohort(
    session: Session, spec: CohortSpec, *, actor: str, now: datetime, names: Mapping[str, str] | None = None
) -> ImportResult:
    """A brand-new cohort (the /cohort new modal): refuses a channel or name already in use."""
    existing = for_channel(session, spec.channel)
    if existing is not None:
        raise Conflict(f"<#{spec.channel}> already has a cohort: {existing.name}.")
    _name_free(session, spec.name, None)
    return import_cohort(session, spec, actor=actor, now=now, names=names)


def add_agent(
    session: Session, cohort: Cohort, agent: AgentSpec, *, actor: str, now: datetime
) -> tuple[Person, bool]:
    """Enroll one agent; returns the person and whether they are new to this cohort."""
    person, _changes, newly = _enroll(session, cohort, agent, actor=actor, now=now)
    return person, newly


def _enroll(
    session: Session, cohort: Cohort, agent: AgentSpec, *, actor: str, now: datetime
) -> tuple[Person, list[str], bool]:
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
    enrollment = session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.person_id == person.id)
    )
    if enrollment is not None and enrollment.status == "active":
        return person, changes, False
    if enrollment is None:
        enrollment = Enrollment(cohort_id=cohort.id, person_id=person.id, status="active", enrolled_at=now)
        session.add(enrollment)
    else:
        enrollment.status = "active"
        enrollment.enrolled_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="enrollment.added",
        entity="enrollment",
        entity_id=enrollment.id,
        at=now,
        details={"cohort_id": cohort.id, "person_id": person.id},
    )
    return person, [*changes, f"enrolled {person.name}"], True


def _staff_name(session: Session, slack_user_id: str, fallback: str) -> str:
    existing = people.by_slack_id(session, slack_user_id)
    return existing.name if existing else people.placeholder_name(fallback, slack_user_id)


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
    }


def _plain_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}
