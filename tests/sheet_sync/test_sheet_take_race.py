"""Use the sheet's value, clicked by the TL on one replica and the PM on another at the same
moment: the value is taken once, audited once, and only one of them is told they changed it."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from bot.core import job_context
from bot.slack import ids
from bot.standin.harness import World
from db.models import AuditEntry, SheetCell
from tests.helpers import ANA, CLASS, PM, TL, import_cohort, replies
from tests.sheet_sync.test_sheet_sync import ANA_N, SHEET_ID, TAB, pull, push, sheet_notes_to, sheet_settings


def test_two_replicas_taking_the_same_value_at_once_take_it_once(sworld, sheets, key_json):
    import_cohort(sworld)
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> aetna=complete", user=TL, channel=CLASS)
    push(sworld)
    sheets.type_into(SHEET_ID, TAB, "N-Number", ANA_N, "Aetna", "In Progress")
    pull(sworld)
    [note] = sheet_notes_to(sworld, TL)
    value = next(b for b in note["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    replica_b = World(
        sworld.database_url,
        start=sworld.clock.now(),
        standin=sworld.slack,
        migrate=False,
        extra_settings=sheet_settings(sheets, key_json),
    )
    job_context.install(sworld.ctx)
    answers: dict[str, str] = {}

    def click(world: World, user: str) -> None:
        answers[user] = replies(world, world.driver.action(ids.ACTION_SHEET_TAKE_VALUE, value, user=user))[0]

    try:
        clicks = [
            threading.Thread(target=click, args=(sworld, TL)),
            threading.Thread(target=click, args=(replica_b, PM)),
        ]
        # Both clicks arrive while a third transaction holds the cell: each has read it by the time
        # that lets go, so only reading under the lock can tell the second that it is done.
        with sworld.ctx.db.session() as session:
            session.execute(select(SheetCell.id).where(SheetCell.id == int(value)).with_for_update())
            for thread in clicks:
                thread.start()
            time.sleep(0.5)
        for thread in clicks:
            thread.join(timeout=30)
    finally:
        replica_b.close()
        job_context.install(sworld.ctx)

    told = sorted(answers.values())
    assert len(told) == 2
    assert sum("now “In Progress”" in answer for answer in told) == 1, told
    assert sum("already agrees" in answer for answer in told) == 1, told
    with sworld.ctx.db.session() as session:
        taken = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "sheet.value_taken")
        )
        assert taken == 1
        cell = session.get(SheetCell, int(value))
        assert cell is not None and cell.disagreement is None and cell.written == "In Progress"
