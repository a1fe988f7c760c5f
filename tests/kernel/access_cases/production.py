"""Moved to production: the button on the PM's ESP-complete DM."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.core import people
from bot.slack import ids
from bot.standin.harness import World
from db.models import Enrollment
from tests.kernel.access_cases.base import Case, answer_of


def _press(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, agent or "")
        assert person is not None
        enrollment_id = session.scalar(select(Enrollment.id).where(Enrollment.person_id == person.id))
    reply = world.driver.action(
        ids.ACTION_MOVED_TO_PRODUCTION, str(enrollment_id), user=actor, channel="D0DM"
    )
    return answer_of(world, reply)


def _moved(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = (
            select(func.count()).select_from(Enrollment).where(Enrollment.moved_to_production_at.is_not(None))
        )
        return int(session.scalar(stmt) or 0)


CASES: dict[Action, Case] = {
    Action.PRODUCTION_MOVE: Case(run=_press, written=_moved),
}
