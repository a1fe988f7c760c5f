"""Moved to production: the button on the PM's ESP-complete DM records it once, audited; the agent
leaves the active lists and the morning report, and the tracker export says when."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.cohorts import service as cohorts
from bot.reports import tracker_export as tracker_sheet
from bot.slack import ids
from db.models import AuditEntry, Enrollment, Role
from tests.helpers import ANA, PM, TL, import_cohort, replies, text_of
from tests.red_flags.test_red_flags import add_staff
from tests.reports.test_morning_report import ESP, JOB, _complete

CH = ZoneInfo("America/Chicago")


def _button(world) -> tuple[str, str]:
    for message in reversed(world.slack.dms_to(PM)):
        for block in message.get("blocks") or []:
            for element in block.get("elements", []):
                if element.get("action_id") == ids.ACTION_MOVED_TO_PRODUCTION:
                    return element["value"], message["ts"]
    raise AssertionError("no Moved to production button in the PM's DMs")


def test_the_pm_moves_an_agent_to_production_once(world):
    world.clock.set(datetime(2026, 12, 1, 9, tzinfo=CH))
    cid = import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    _complete(world, ANA)
    world.settle()
    value, ts = _button(world)

    # The TL may not; a double click by the PM records it once.
    refused = world.driver.action(
        ids.ACTION_MOVED_TO_PRODUCTION, value, user=TL, channel="D0PM", message_ts=ts
    )
    assert replies(world, refused)[-1].startswith("Sorry")
    answers: list[str] = []

    def press() -> None:
        reply = world.driver.action(
            ids.ACTION_MOVED_TO_PRODUCTION, value, user=PM, channel="D0PM", message_ts=ts
        )
        answers.extend(replies(world, reply))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.split(" ")[0] for a in answers) == [":rocket:", "Ana"]
    assert any("already marked moved to production by Paolo Manager" in a for a in answers)

    with world.ctx.db.session() as session:
        moves = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "enrollment.moved_to_production")
        ).all()
        assert len(moves) == 1
        enrollment = session.get(Enrollment, int(value))
        assert enrollment is not None and enrollment.status == "production"
        assert ANA not in [p.slack_user_id for p in cohorts.active_agents(session, cid)]
        table = tracker_sheet.rows(session, cid, world.ctx.playbook, world.clock.now())
    assert table[0][-1] == "Moved to production"
    ana = next(r for r in table if r[1] == ANA)
    assert ana[-1] == "2026-12-01"
    assert all(r[-1] == "" for r in table[1:] if r[1] != ANA)

    world.clock.set(datetime(2026, 12, 2, 7, 30, tzinfo=CH))
    world.run_job(JOB, "2026-12-02")
    report = text_of(world.slack.dms_to(ESP)[-1])
    # Moved yesterday: listed only as moved (the playbook's moved_to_production_days), not as waiting.
    before, _, moved = report.partition("*Moved to production*")
    assert "Ana Ruiz" not in before and "Ben Okafor" in before
    assert "• Ana Ruiz: Tue Dec 1, 2026 by Paolo Manager" in moved
