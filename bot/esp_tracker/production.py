"""Moved to production: the PM's button on the ESP-complete DM. Recorded with who and when,
audited, exactly once however often it is pressed; the agent leaves the class's active lists
(the enrollment's status becomes "production") and stays on the tracker export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.access.policy import Action, Target
from bot.core import audit, people
from bot.core.context import AppContext
from bot.core.errors import InvalidInput, NotFound
from bot.core.unit_of_work import Caller, Work, use_case
from bot.esp_tracker import production_blocks
from bot.esp_tracker import service as esp
from db.models import Enrollment, Person

PRODUCTION = "production"


@dataclass(frozen=True)
class MoveResult:
    agent_name: str
    cohort_name: str
    moved_by: str
    moved_at: datetime
    already: bool


@use_case
def move_to_production(work: Work, enrollment_id: int) -> MoveResult:
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
        )
    if enrollment.status != "active":
        raise InvalidInput(f"{agent.name} is no longer in {enrollment.cohort.name}; nothing was changed.")
    if not esp.is_complete(work.session, agent.id):
        raise InvalidInput(f"{agent.name} is not ESP-complete yet; nothing was changed.")
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
    return MoveResult(agent.name, enrollment.cohort.name, actor.name, work.now, False)


def answer(ctx: AppContext, caller: Caller, enrollment_id: int) -> tuple[str, list[dict[str, Any]]]:
    """Move the agent and say so, times in the presser's own zone."""
    result = move_to_production(ctx, caller, enrollment_id)
    with ctx.db.session() as session:
        presser = people.by_slack_id(session, caller.user_id)
        enrollment = session.get(Enrollment, enrollment_id)
        reader_tz = presser.timezone if presser else None
        class_tz = enrollment.cohort.timezone if enrollment else "UTC"
    return production_blocks.moved(
        result.agent_name,
        result.cohort_name,
        result.moved_by,
        result.moved_at,
        result.already,
        reader_tz,
        class_tz,
    )
