"""Retention, as the playbook sets it: once an agent has left (moved to production, removed from
their class, or no longer employed), their personal fields (NPN, email, personal join links) are
redacted after `retention.personal_days`, and their HR records' texts after
`retention.hr_records_days`. Rows stay (what happened and when, the level, the policy), so the
record still reads, with "redacted" where the text or identity was. Every redaction is audited,
naming the fields, never their values."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.unit_of_work import Work, use_case
from bot.records.types import RetentionDone
from db.models import AuditEntry, CertAttempt, Coaching, Enrollment, G2TRegistration, Person, Role
from db.session import rows_matched

REDACTED = "redacted"
LEFT_STATUSES = ("production", "removed")


def left_at(session: Session, person: Person) -> datetime | None:
    """When the agent left, or None while they are in a class (or were never in one)."""
    enrollments = list(session.scalars(select(Enrollment).where(Enrollment.person_id == person.id)))
    if any(e.status == "active" for e in enrollments):
        return None
    moments = [person.left_at] if person.left_at else []
    for e in enrollments:
        if e.status == "production" and e.moved_to_production_at:
            moments.append(e.moved_to_production_at)
        elif e.status == "removed":
            removed = session.scalar(
                select(func.max(AuditEntry.at)).where(
                    AuditEntry.entity == "enrollment",
                    AuditEntry.entity_id == str(e.id),
                    AuditEntry.action == "enrollment.removed",
                )
            )
            moments.append(removed or e.enrolled_at)
    return max(moments) if moments else None


def redact_personal(session: Session, person: Person, now: datetime) -> None:
    fields = [name for name in ("npn", "email") if getattr(person, name)]
    person.npn = None
    person.email = None
    links = rows_matched(
        session.execute(
            update(G2TRegistration)
            .where(G2TRegistration.person_id == person.id)
            .values(join_url=None, email=None)
            .execution_options(synchronize_session=False)
        )
    )
    person.redacted_at = now
    session.flush()
    audit.record(
        session,
        actor="retention",
        action="person.personal_fields_redacted",
        entity="person",
        entity_id=person.id,
        at=now,
        details={"fields": fields, "join_links": int(links or 0)},
    )


def redact_hr_records(session: Session, person: Person, now: datetime) -> None:
    coachings = rows_matched(
        session.execute(
            update(Coaching)
            .where(Coaching.person_id == person.id)
            .values(incident=REDACTED, expectation=REDACTED, document=REDACTED, skip_reason=None)
            .execution_options(synchronize_session=False)
        )
    )
    notes = rows_matched(
        session.execute(
            update(CertAttempt)
            .where(CertAttempt.person_id == person.id, CertAttempt.note.is_not(None))
            .values(note=REDACTED)
            .execution_options(synchronize_session=False)
        )
    )
    person.hr_redacted_at = now
    session.flush()
    audit.record(
        session,
        actor="retention",
        action="person.hr_records_redacted",
        entity="person",
        entity_id=person.id,
        at=now,
        details={"coachings": int(coachings or 0), "exam_notes": int(notes or 0)},
    )


@use_case
def apply_retention(work: Work) -> RetentionDone:
    """The daily job: redact what is due, each agent once (the marks on the person)."""
    rules = work.playbook.retention
    done = RetentionDone()
    if not rules.enabled:
        return done
    candidates = work.session.scalars(
        select(Person).where(
            Person.role == Role.AGENT, (Person.redacted_at.is_(None)) | (Person.hr_redacted_at.is_(None))
        )
    ).all()
    for person in candidates:
        left = left_at(work.session, person)
        if left is None:
            continue
        if person.redacted_at is None and left + timedelta(days=rules.personal_days) <= work.now:
            redact_personal(work.session, person, work.now)
            done.redacted.append(person.id)
        if person.hr_redacted_at is None and left + timedelta(days=rules.hr_records_days) <= work.now:
            redact_hr_records(work.session, person, work.now)
            done.hr_redacted.append(person.id)
    return done
