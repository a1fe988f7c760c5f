"""Coaching, failed exams and progress."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.standin.harness import World
from db.models import CertAttempt, Coaching
from tests.access_cases.base import CLASS_A, Case, answer_of


def _failcert(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world, world.driver.command("/failcert", f"<@{agent}|x> aetna 55", user=actor, channel=CLASS_A)
    )


def _attempts(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(CertAttempt)) or 0)


def _coach(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world,
        world.driver.command(
            "/coach", f"<@{agent}|x> conduct verbal Talked over the trainer", user=actor, channel=CLASS_A
        ),
    )


def _coachings(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Coaching)) or 0)


def _coaching_history(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/coaching", f"<@{agent}|x>", user=actor, channel=CLASS_A))


def _nothing(world: World) -> int:
    return 0


CASES: dict[Action, Case] = {
    Action.CERT_FAILURE_RECORD: Case(run=_failcert, written=_attempts),
    Action.COACHING_WRITE: Case(run=_coach, written=_coachings),
    Action.COACHING_READ: Case(run=_coaching_history, written=_nothing),
}
