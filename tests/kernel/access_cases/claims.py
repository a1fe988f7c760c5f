"""An agent's "I was there" on a mark, and the TL's decision on it."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.slack import ids
from bot.standin.harness import World
from db.models import AttendanceFlag
from tests.kernel.access_cases.base import Case, answer_of
from tests.kernel.access_cases.day import mia_flag


def _count(world: World, condition: object) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AttendanceFlag).where(condition)) or 0)


def _claim(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    assert agent is not None
    flag_id = mia_flag(world, agent)
    return answer_of(world, world.driver.action(ids.ACTION_ATTENDANCE_CLAIM, str(flag_id), user=actor))


def _claimed(world: World) -> int:
    return _count(world, AttendanceFlag.claimed_at.is_not(None))


def _decide(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    assert agent is not None
    flag_id = mia_flag(world, agent)
    with world.ctx.db.session() as session:
        flag = session.get(AttendanceFlag, flag_id)
        assert flag is not None
        flag.claimed_at = world.clock.now()
    return answer_of(world, world.driver.action(ids.ACTION_ATTENDANCE_CLAIM_ACCEPT, str(flag_id), user=actor))


def _decided(world: World) -> int:
    return _count(world, AttendanceFlag.claim_outcome.is_not(None))


CASES: dict[Action, Case] = {
    Action.ATTENDANCE_CLAIM: Case(run=_claim, written=_claimed),
    Action.ATTENDANCE_CLAIM_DECIDE: Case(run=_decide, written=_decided),
}
