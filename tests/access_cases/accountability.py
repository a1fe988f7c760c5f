"""Coaching, failed exams and progress."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.standin.harness import World
from db.models import CertAttempt
from tests.access_cases.base import CLASS_A, Case, answer_of


def _failcert(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world, world.driver.command("/failcert", f"<@{agent}|x> aetna 55", user=actor, channel=CLASS_A)
    )


def _attempts(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(CertAttempt)) or 0)


CASES: dict[Action, Case] = {
    Action.CERT_FAILURE_RECORD: Case(run=_failcert, written=_attempts),
}
