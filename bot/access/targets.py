"""What the policy is asked about: the agent, record or class an action is done to.

An agent's relation follows their current class; a record keeps the class it was written in, so
a transferred agent's old records stay with the class that wrote them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.access.policy import Target
from bot.core import people
from db.models import Cohort, Person


def agent_target(session: Session, agent: Person, record: str | None = None) -> Target:
    enrollment = people.enrollment_of(session, agent.id)
    return Target(cohort=enrollment.cohort if enrollment else None, person=agent, record=record)


def cohort_target(cohort: Cohort, record: str | None = None) -> Target:
    return Target(cohort=cohort, record=record or f"cohort:{cohort.id}")


def record_target(session: Session, cohort_id: int | None, person: Person | None, record: str) -> Target:
    cohort = session.get(Cohort, cohort_id) if cohort_id is not None else None
    return Target(cohort=cohort, person=person, record=record)
