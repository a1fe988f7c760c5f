"""HR records: the agent's "I have read this" on a CAP, who read an agent's records, the whole record."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.core import people
from bot.slack import ids
from bot.standin.harness import World
from db.models import Coaching, RecordRead
from tests.kernel.access_cases.base import ADMIN, CLASS_A, TL_A, Case, answer_of


def _cap_for(world: World, agent: str) -> int:
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, agent)
        tl = people.by_slack_id(session, TL_A)
        assert person is not None and tl is not None
        enrollment = people.enrollment_of(session, person.id)
        cap = Coaching(
            person_id=person.id,
            cohort_id=enrollment.cohort_id if enrollment else None,
            policy="conduct",
            level="written",
            incident="Late back",
            expectation="Be on time",
            links=[],
            document="CAP",
            coached_by_id=tl.id,
            created_at=world.clock.now(),
        )
        session.add(cap)
        session.flush()
        return cap.id


def _acknowledge(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    cap = _cap_for(world, agent or "")
    reply = world.driver.action(ids.ACTION_CAP_ACKNOWLEDGE, str(cap), user=actor, channel="D0DM")
    answer = answer_of(world, reply)
    if actor == ADMIN:
        # Admins pass every policy check; the service keeps the acknowledgement the agent's own word.
        assert answer.startswith("Sorry, only") and "acknowledge their own CAP" in answer, answer
        return "allowed by the policy; refused as not the agent's own"
    return answer


def _acknowledged(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = select(func.count()).select_from(Coaching).where(Coaching.acknowledged_at.is_not(None))
        return int(session.scalar(stmt) or 0)


def _reads(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world, world.driver.command("/records", f"reads <@{agent}|x>", user=actor, channel=CLASS_A)
    )


def _export(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/records", f"<@{agent}|x>", user=actor, channel=CLASS_A))


def _whole_record_reads(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = select(func.count()).select_from(RecordRead).where(RecordRead.what == "whole_record")
        return int(session.scalar(stmt) or 0)


def _nothing(world: World) -> int:
    return 0


CASES: dict[Action, Case] = {
    Action.CAP_ACKNOWLEDGE: Case(run=_acknowledge, written=_acknowledged),
    Action.RECORDS_READS: Case(run=_reads, written=_nothing),
    Action.RECORDS_EXPORT: Case(run=_export, written=_whole_record_reads),
}
