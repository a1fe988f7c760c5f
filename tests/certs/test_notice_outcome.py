"""A failed-exam notice is a card that changes: a coaching documented from the attempt, a retake
and the exam passed on the tracker show in the notice the TL already has (a line of their
digest), in place, with no new DM."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.standin.server import dm_channel_for
from tests.helpers import ANA, CLASS, PM, TL, import_cohort, reached, replies, text_of

CHI = ZoneInfo("America/Chicago")


def _notice(world, attempt: str) -> dict:
    [notice] = [
        n for n in reached(world, TL) if "failed the AHIP exam" in text_of(n) and attempt in text_of(n)
    ]
    return notice


def test_the_failed_exam_notice_shows_what_was_decided_in_place(world):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=CHI))
    world.driver.command("/failcert", f"<@{ANA}|ana> ahip 61", user=PM, channel=CLASS)
    first = _notice(world, "1st of 3")
    assert "Since then" not in text_of(first)
    dms, updates = len(world.slack.dms_to(TL)), len(world.slack.updates(channel=dm_channel_for(TL)))

    # The TL documents the coaching the guide proposes: the notice shows it.
    [done] = replies(
        world,
        world.driver.command(
            "/coach", f"<@{ANA}|ana> failedcert verbal Failed AHIP once", user=TL, channel=CLASS
        ),
    )
    assert "Verbal" in done
    coached = _notice(world, "1st of 3")
    assert coached["ts"] == first["ts"]
    assert "*Since then:*" in text_of(coached)
    assert "Verbal coaching (coaching) documented by Tess Lead" in text_of(coached), text_of(coached)
    assert len(world.slack.dms_to(TL)) == dms, "no new DM"
    assert len(world.slack.updates(channel=dm_channel_for(TL))) > updates

    # The retake, failed: the first notice says so.
    world.driver.command("/failcert", f"<@{ANA}|ana> ahip 64", user=PM, channel=CLASS)
    retaken = _notice(world, "1st of 3")
    assert retaken["ts"] == first["ts"]
    assert "Retaken on Tue Dec 1, 2026: failed again (attempt 2)" in text_of(retaken), text_of(retaken)

    # Passed on the third try, as the tracker shows: both notices say so, and nobody gets a DM more.
    dms = len(world.slack.dms_to(TL))
    world.driver.command("/esp", f"<@{ANA}|ana> ahip=complete", user=PM, channel=CLASS)
    for attempt in ("1st of 3", "2nd of 3"):
        assert "Passed: the ESP tracker shows AHIP complete." in text_of(_notice(world, attempt))
    assert len(world.slack.dms_to(TL)) == dms


def test_a_notice_with_nothing_new_is_not_updated(world):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=CHI))
    world.driver.command("/failcert", f"<@{ANA}|ana> ahip 61", user=PM, channel=CLASS)
    _notice(world, "1st of 3")
    updates = len(world.slack.updates(channel=dm_channel_for(TL)))
    # A coaching about something else links no attempt: the notice stays as it is.
    world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal Late back", user=TL, channel=CLASS)
    world.settle()
    assert len(world.slack.updates(channel=dm_channel_for(TL))) == updates


def test_the_notice_of_the_attempt_that_blocked_shows_the_block_lifted(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 31, 23, 0, tzinfo=CHI))
    for score in (61, 62, 63):
        world.driver.command("/failcert", f"<@{ANA}|ana> ahip {score}", user=PM, channel=CLASS)
    # The TL's digest goes out after the first break of New Year's Day, past the lift: its line
    # already says so (a line not sent yet is sent as it stands).
    world.advance_to(datetime(2027, 1, 1, 0, 5, tzinfo=CHI))
    [lifted] = [n for n in reached(world, TL) if "3rd of 3" in text_of(n)]
    assert "blocked for AHIP until Jan 1, 2027" in text_of(lifted)
    assert "The AHIP block lifted on Jan 1, 2027: the attempts start over." in text_of(lifted)
    # The attempts before it were retaken, not blocking: they say so, and no more.
    assert "block lifted" not in text_of(_notice(world, "1st of 3"))
