"""Each person's own clock: Slack's `tz` is kept on the person, refreshed on user_change, and the
times in their DMs read in their zone with the class's beside them; channel posts keep the class's."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.core import people
from bot.core.timefmt import span_for, time_for
from db.models import AuditEntry
from tests.helpers import ANA, BEN, CLASS, TL, import_cohort, reached, text_of

CH = ZoneInfo("America/Chicago")


def test_time_for_shows_the_class_time_beside_the_readers():
    moment = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 8:00 AM in Chicago
    assert time_for(moment, "America/Los_Angeles", "America/Chicago") == "6:00 AM PST (8:00 AM CST)"
    assert time_for(moment, "America/Chicago", "America/Chicago") == "8:00 AM"
    assert time_for(moment, None, "America/Chicago", zone=True) == "8:00 AM CST"
    # Another name for the same clock is the same clock.
    assert time_for(moment, "US/Central", "America/Chicago") == "8:00 AM"
    end = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert span_for(moment, end, "America/New_York", "America/Chicago") == (
        "9:00 AM – 6:00 PM EST (8:00 AM – 5:00 PM CST)"
    )


def test_an_agent_in_los_angeles_reads_their_own_times(world):
    world.slack.add_user(ANA, "Ana Ruiz", tz="America/Los_Angeles")
    world.slack.add_user(TL, "Tess Lead", tz="America/Denver")
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))  # inside the G2T lead time: links go at once
    cid = import_cohort(world)
    with world.ctx.db.session() as session:
        assert people.by_slack_id(session, ANA).timezone == "America/Los_Angeles"  # type: ignore[union-attr]

    ana = text_of(world.slack.dms_to(ANA)[-1])
    assert "6:00 AM – 3:00 PM PST (8:00 AM – 5:00 PM CST)" in ana
    assert "• Break 1: 8:00 AM – 8:15 AM PST (10:00 AM – 10:15 AM CST) (15 min)" in ana
    ben = text_of(world.slack.dms_to(BEN)[-1])
    assert "8:00 AM – 5:00 PM CST" in ben and "PST" not in ben

    world.advance_to(datetime(2026, 12, 1, 8, 10, tzinfo=CH))  # nobody checked in: the TL hears
    tardy = next(text_of(m) for m in reached(world, TL) if "marked tardy" in text_of(m))
    assert "not checked in by 7:00 AM MST (8:00 AM CST)" in tardy
    morning = [text_of(m) for m in world.slack.messages(channel=CLASS) if "Good morning" in text_of(m)]
    assert morning and "8:00 AM – 5:00 PM CST" in morning[0] and "PST" not in morning[0]
    assert cid


def test_a_user_change_event_updates_the_zone_and_a_bad_zone_is_ignored(world):
    import_cohort(world)
    reply = world.driver.event({"type": "user_change", "user": {"id": BEN, "tz": "America/New_York"}})
    assert reply.status == 200
    world.driver.event({"type": "user_change", "user": {"id": BEN, "tz": "Mars/Olympus"}})
    world.settle()
    with world.ctx.db.session() as session:
        assert people.by_slack_id(session, BEN).timezone == "America/New_York"  # type: ignore[union-attr]
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.timezone")).all()
        assert [
            a.details["after"] for a in audits if a.details and a.details.get("before") == "America/Chicago"
        ] == ["America/New_York"]


def test_a_red_flag_dm_reads_in_the_pms_zone_and_keeps_it_when_resolved(world):
    from tests.helpers import PM

    world.slack.add_user(PM, "Paolo Manager", tz="America/Denver")
    world.clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=CH))
    import_cohort(world)
    world.driver.command("/redflag", f"<@{BEN}|ben> Misdemeanor found", user=TL, channel=CLASS)
    dm = text_of(world.slack.dms_to(PM)[-1])
    assert "Tue Dec 1, 8:30 AM MST (9:30 AM CST)" in dm
    tl_side = [text_of(m) for m in world.slack.dms_to(TL)]
    assert not any("MST" in t for t in tl_side)
