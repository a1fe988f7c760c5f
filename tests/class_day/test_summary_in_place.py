"""The end-of-day summary is a card that changes: a code decided after the day ended (set by hand,
an "I was there" accepted) shows in the summary the TL already has, in place, with no new DM."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack import ids
from bot.standin.server import dm_channel_for
from tests.helpers import ANA, BEN, CLASS, TL, import_cohort, reached, replies, text_of

CH = ZoneInfo("America/Chicago")


def _summary(world) -> dict:
    [summary] = [n for n in reached(world, TL) if "Attendance –" in text_of(n)]
    return summary


def _day_one_ended(world, ana_late: bool = False) -> None:
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    [morning] = [m for m in world.slack.messages(channel=CLASS) if "Good morning" in text_of(m)]
    world.driver.reaction(BEN, "white_check_mark", CLASS, morning["ts"])
    world.driver.reaction("U0AG0003", "white_check_mark", CLASS, morning["ts"])
    world.advance_to(datetime(2026, 12, 1, 8, 6, tzinfo=CH))  # Ana is marked tardy
    if ana_late:
        world.driver.reaction(ANA, "white_check_mark", CLASS, morning["ts"])
    world.advance_to(datetime(2026, 12, 1, 18, 0, tzinfo=CH))


def test_a_code_set_after_the_day_shows_in_its_summary_in_place(world):
    _day_one_ended(world)
    before = _summary(world)
    assert "Ana Ruiz*: Absent – Unapproved" in text_of(before)
    dms, updates = len(world.slack.dms_to(TL)), len(world.slack.updates(channel=dm_channel_for(TL)))

    reply = world.driver.command(
        "/attendance", f"set <@{ANA}|ana> 1 absent_hr_approved HR approved leave", user=TL, channel=CLASS
    )
    assert "Absent – HR Approved" in replies(world, reply)[0]
    after = _summary(world)
    assert after["ts"] == before["ts"]
    assert "Ana Ruiz*: Absent – HR Approved" in text_of(after)
    assert "Absent – Unapproved" not in text_of(after)
    assert len(world.slack.dms_to(TL)) == dms, "no new DM"
    assert len(world.slack.updates(channel=dm_channel_for(TL))) > updates


def test_claims_accepted_after_the_day_show_in_its_summary_in_place(world):
    _day_one_ended(world, ana_late=True)
    for told in [m for m in world.slack.dms_to(ANA) if "I was there" in text_of(m)]:
        [there] = [e for b in told["blocks"] if b["type"] == "actions" for e in b["elements"]]
        world.driver.action(there["action_id"], there["value"], user=ANA)
    world.advance_to(datetime(2026, 12, 2, 10, 30, tzinfo=CH))
    cards = [n for n in reached(world, TL) if "says they were there" in text_of(n)]
    before = _summary(world)
    assert "Ana Ruiz*: Unresponsive or Missing During Class (MIA)" in text_of(before)
    dms = len(world.slack.dms_to(TL))

    for card in cards:
        accept = next(e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"])
        world.driver.action(accept["action_id"], accept["value"], user=TL)
    after = _summary(world)
    assert after["ts"] == before["ts"]
    # Her MIA marks excused: the code is what her late check-in gives.
    assert "Ana Ruiz*: Tardy < 1 hour" in text_of(after)
    assert "Ana Ruiz*: Unresponsive" not in text_of(after)
    assert len(world.slack.dms_to(TL)) == dms, "no new DM"


def test_mias_excused_after_the_day_show_in_its_summary_in_place(world):
    _day_one_ended(world)
    before = _summary(world)
    assert "Ben Okafor*: Unresponsive or Missing During Class (MIA)" in text_of(before)
    dms = len(world.slack.dms_to(TL))
    flags = [
        e["value"]
        for n in reached(world, TL)
        for b in n.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_MIA_EXCUSE and e.get("accessibility_label") == "Excuse Ben Okafor"
    ]
    assert flags
    for flag_id in flags:
        world.driver.action(ids.ACTION_MIA_EXCUSE, flag_id, user=TL, channel="DTL")
        meta = world.slack.calls("views.open")[-1].args["view"]["private_metadata"]
        world.driver.submit_view(
            ids.VIEW_MIA_REASON,
            {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": "Camera trouble, told me in chat"}}},
            user=TL,
            private_metadata=meta,
        )
    after = _summary(world)
    assert after["ts"] == before["ts"]
    assert "Ben Okafor*: Full Day" in text_of(after), text_of(after)
    assert len(world.slack.dms_to(TL)) == dms, "no new DM"
