"""A carrier's block lifts on January 1: the tracker item the attempts blocked moves back to
"in progress", and the TL hears it once; a block set for another reason stays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core import people
from bot.esp_tracker import service as esp
from tests.helpers import ANA, BEN, CLASS, TL, import_cohort, replies, text_of

CHI = ZoneInfo("America/Chicago")


def _status(world, user_id: str, item: str) -> str:
    with world.ctx.db.session() as session:
        agent = people.by_slack_id(session, user_id)
        return esp.status_of(session, agent.id, item)


def _lifted(world) -> list[str]:
    return [text_of(m) for m in world.slack.dms_to(TL) if "block lifted" in text_of(m)]


def test_the_ahip_block_lifts_on_january_first_and_the_tracker_moves_back(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 31, 23, 0, tzinfo=CHI))
    for score in (61, 62, 63):
        replies(
            world, world.driver.command("/failcert", f"<@{ANA}|ana> ahip {score}", user=TL, channel=CLASS)
        )
    # Ben's Aetna item is blocked by hand (an open ticket, say): no attempt explains it.
    world.driver.command("/esp", f"<@{BEN}|ben> aetna=blocked", user=TL, channel=CLASS)
    assert _status(world, ANA, "ahip") == esp.BLOCKED

    world.advance_to(datetime(2026, 12, 31, 23, 59, tzinfo=CHI))
    assert _status(world, ANA, "ahip") == esp.BLOCKED and _lifted(world) == []
    world.advance_to(datetime(2027, 1, 1, 0, 5, tzinfo=CHI))
    assert _status(world, ANA, "ahip") == esp.IN_PROGRESS
    assert _status(world, BEN, "aetna") == esp.BLOCKED
    [told] = _lifted(world)
    assert "Ana Ruiz's AHIP block lifted" in told and "in progress again" in told

    world.catch_up()  # a restart runs the due job again: nothing moves twice, nobody is told twice
    assert len(_lifted(world)) == 1
