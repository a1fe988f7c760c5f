"""Moved to production: the PM's button on the ESP-complete DM. Recorded with who and when,
audited, exactly once however often it is pressed; the agent leaves the class's active lists
(the enrollment's status becomes "production") and stays on the tracker export."""

from __future__ import annotations

from bot.access.policy import Action, Target
from bot.core import audit, people
from bot.core.errors import InvalidInput, NotFound
from bot.core.text import escape_line
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from bot.esp_tracker.types import MoveResult
from db.models import Enrollment, Person

PRODUCTION = "production"


@use_case
def move_to_production(work: Work, enrollment_id: int) -> MoveResult:
    """The PM's button: move the agent once, and say who did and when (in the presser's own zone)."""
    enrollment = work.session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("That agent's enrollment is gone; nothing was changed.")
    agent = enrollment.person
    work.allow(
        Action.PRODUCTION_MOVE,
        Target(cohort=enrollment.cohort, person=agent, record=f"enrollment:{enrollment.id}"),
    )
    people.lock(work.session, agent)
    work.session.refresh(enrollment)
    if enrollment.moved_to_production_at is not None:
        mover = work.session.get(Person, enrollment.moved_to_production_by_id)
        return MoveResult(
            agent.name,
            enrollment.cohort.name,
            mover.name if mover else "someone",
            enrollment.moved_to_production_at,
            True,
            work.actor.timezone,
            enrollment.cohort.timezone,
        )
    if enrollment.status != "active":
        raise InvalidInput(
            f"{escape_line(agent.name)} is no longer in {escape_line(enrollment.cohort.name)}; nothing was changed."
        )
    if not esp.is_complete(work.session, agent.id):
        raise InvalidInput(f"{escape_line(agent.name)} is not ESP-complete yet; nothing was changed.")
    actor = work.actor
    enrollment.status = PRODUCTION
    enrollment.moved_to_production_at = work.now
    enrollment.moved_to_production_by_id = actor.id
    work.session.flush()
    audit.record(
        work.session,
        actor=actor.slack_user_id,
        action="enrollment.moved_to_production",
        entity="enrollment",
        entity_id=enrollment.id,
        at=work.now,
        details={"cohort_id": enrollment.cohort_id, "person_id": agent.id},
    )
    return MoveResult(
        agent.name,
        enrollment.cohort.name,
        actor.name,
        work.now,
        False,
        actor.timezone,
        enrollment.cohort.timezone,
    )
