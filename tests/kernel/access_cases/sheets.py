"""The Google Sheet sync: taking a value someone typed over a bot-owned cell."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.core import people
from bot.slack import ids
from bot.standin.harness import World
from db.models import AuditEntry, SheetCell
from tests.kernel.access_cases.base import Case, answer_of


def _take(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    # The pull found "Complete" typed over the "Not Started" the bot wrote in the agent's Aetna cell.
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, agent or "")
        assert person is not None
        cell = session.scalar(
            select(SheetCell).where(SheetCell.person_id == person.id, SheetCell.header == "Aetna")
        )
        if cell is None:
            cell = SheetCell(person_id=person.id, header="Aetna")
            session.add(cell)
        cell.written, cell.disagreement = "Not Started", "Complete"
        session.flush()
        cell_id = cell.id
    return answer_of(world, world.driver.action(ids.ACTION_SHEET_TAKE_VALUE, str(cell_id), user=actor))


def _taken(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "sheet.value_taken")
        return int(session.scalar(stmt) or 0)


CASES: dict[Action, Case] = {
    Action.SHEET_TAKE_VALUE: Case(run=_take, written=_taken),
}
