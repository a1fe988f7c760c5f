"""Pictures through the real app: the Pictures button on a class's Home panel hands its funnel,
attendance map and pass rates to the person's DM as PNGs with alt text; each morning the PM and
the ESP managers get the funnel and attendance maps of the classes of their report, once; nobody
gets a class the policy does not let them read."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image

from bot.slack import ids
from bot.standin.server import dm_channel_for
from db.models import Role
from tests.helpers import ANA, BEN, CHLOE, CLASS, PM, TL, add_staff, import_cohort, replies

CH = ZoneInfo("America/Chicago")
ESP, PM2, TL2 = "U0ESP001", "U0PM0002", "U0TL0002"
OTHER = "C0OTHER01"
JOB = "bot.reports.morning_jobs:send_report"


def ch(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CH)


def _class_after_day_one(world) -> None:
    """Day 1 held: Ana checked in (then missed her breaks: MIA), Ben's absence HR-approved, Chloe
    absent; on day 2's morning Ana finished AHIP and Aetna, Chloe failed AHIP once."""
    world.clock.set(ch(2026, 11, 27, 9))
    import_cohort(world)
    world.slack.add_user(PM2, "Pia Second")
    world.slack.add_user(TL2, "Tom Second")
    add_staff(world, {ESP: ("Erin Esp", Role.ESP_MANAGER)})
    import_cohort(
        world,
        name="Other class",
        channel=OTHER,
        team_lead=TL2,
        production_manager=PM2,
        agents=[{"slack_id": "U0AG0009", "name": "Zed Nine", "n_number": "N9999999", "npn": "99999999"}],
    )
    world.advance_to(ch(2026, 12, 1, 8))
    morning = world.slack.messages(channel=CLASS)[-1]
    world.driver.reaction(ANA, "white_check_mark", CLASS, morning["ts"])
    world.advance_to(ch(2026, 12, 2, 7, 30))
    world.driver.command("/esp", f"<@{ANA}|a> ahip=complete aetna=complete", user=TL, channel=CLASS)
    world.driver.command("/failcert", f"<@{CHLOE}|c> ahip 60", user=TL, channel=CLASS)
    world.driver.command(
        "/attendance", f"set <@{BEN}|b> 1 absent_hr_approved doctor's note", user=TL, channel=CLASS
    )
    world.settle()


def _png_size(content: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG"
    size = image.size
    image.verify()
    return size


def _home_buttons(world, user: str) -> dict[str, str]:
    world.driver.event({"type": ids.EVENT_APP_HOME_OPENED, "user": user, "tab": "home", "event_ts": "1.0"})
    view = world.slack.state.home[user]
    return {
        block["accessory"]["value"]: block["accessory"]["action_id"]
        for block in view["blocks"]
        if block.get("accessory", {}).get("type") == "button"
        and block["accessory"]["action_id"] == ids.ACTION_CLASS_PICTURES
    }


def test_a_tl_gets_the_class_pictures_from_its_home_panel(world):
    _class_after_day_one(world)
    assert _home_buttons(world, TL) == {CLASS: ids.ACTION_CLASS_PICTURES}  # only their class

    reply = world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=TL)
    assert any("3 pictures of AHIP/Aetna class - Dec 1" in r for r in replies(world, reply))
    uploads = world.slack.uploads(channel=dm_channel_for(TL))
    assert [u.filename for u in uploads] == [
        "funnel-2026-12-02.png",
        "attendance-ahip-aetna-class-dec-1-2026-12-02.png",
        "pass-rates-2026-12-02.png",
    ]
    for upload in uploads:
        assert _png_size(upload.content)[0] > 400
        assert upload.alt_txt
    funnel, attendance, rates = (u.alt_txt or "" for u in uploads)
    assert (
        "AHIP/Aetna class - Dec 1 (Day 2): Enrolled 3, AHIP modules 1, AHIP final 1, Aetna 1, TBT 0" in funnel
    )
    assert "3 agents by 1 class day(s)" in attendance
    assert "Absent – HR Approved 1" in attendance and "Absent – Unapproved 1" in attendance
    assert "1 MIA(s) not cleared: Ana Ruiz (day 1)." in attendance
    assert "Per carrier: AHIP 50% (1 of 2), Aetna 100% (1 of 1)" in rates
    assert "Per team lead: Tess Lead 67% (2 of 3)" in rates
    assert "Other class" not in rates and "Tom Second" not in rates  # not a class of theirs


def test_nobody_gets_a_class_they_may_not_read_and_a_forged_value_is_refused(world):
    _class_after_day_one(world)
    for user in (TL2, ANA):
        reply = world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=user)
        assert any(r.startswith("Sorry") for r in replies(world, reply)), user
        assert world.slack.uploads(channel=dm_channel_for(user)) == []
    reply = world.driver.action(ids.ACTION_CLASS_PICTURES, "not a channel", user=TL)
    assert any("names no class" in r for r in replies(world, reply))
    assert world.slack.uploads() == []


def test_slack_refusing_the_upload_is_said_plainly(world):
    _class_after_day_one(world)
    world.slack.fail("files.getUploadURLExternal", error="not_allowed_token_type")
    reply = world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=TL)
    assert any(
        "Slack did not take the pictures (`not_allowed_token_type`)" in r for r in replies(world, reply)
    )
    assert world.slack.uploads() == []
    world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=TL)  # pressing again works at once
    assert len(world.slack.uploads(channel=dm_channel_for(TL))) == 3


def test_a_double_click_sends_the_pictures_once(world):
    _class_after_day_one(world)
    first = world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=TL, settle=False)
    second = world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=TL, settle=False)
    world.settle()
    assert len(world.slack.uploads(channel=dm_channel_for(TL))) == 3
    said = replies(world, first) + replies(world, second)
    assert any("already on their way" in r for r in said) and any("I sent you 3 pictures" in r for r in said)
    world.clock.advance(timedelta(minutes=2))  # later, a new press is a new request
    world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS, user=TL)
    assert len(world.slack.uploads(channel=dm_channel_for(TL))) == 6


def test_each_morning_the_pm_and_esp_managers_get_their_classes_pictures_once(world):
    _class_after_day_one(world)
    world.slack.fail("files.getUploadURLExternal", error="internal_error", channel=None, times=1)
    world.run_job(JOB, "2026-12-02")
    reached = [user for user in (PM, PM2, ESP) if world.slack.uploads(channel=dm_channel_for(user))]
    assert len(reached) == 2  # the first upload of the morning failed: that person has none yet
    # The rerun sends the missing one only.
    world.run_job(JOB, "2026-12-02")
    world.run_job(JOB, "2026-12-02")  # and a third run sends nothing again
    got = {user: world.slack.uploads(channel=dm_channel_for(user)) for user in (PM, PM2, ESP, TL)}
    names = {user: sorted(u.filename for u in found) for user, found in got.items()}
    assert names[PM] == ["attendance-ahip-aetna-class-dec-1-2026-12-02.png", "funnel-2026-12-02.png"]
    assert names[PM2] == ["attendance-other-class-2026-12-02.png", "funnel-2026-12-02.png"]
    assert names[ESP] == [
        "attendance-ahip-aetna-class-dec-1-2026-12-02.png",
        "attendance-other-class-2026-12-02.png",
        "funnel-2026-12-02.png",
    ]
    assert names[TL] == []  # the morning report is the managers'
    pm_funnel = next(u for u in got[PM] if u.filename.startswith("funnel"))
    assert "Other class" not in (pm_funnel.alt_txt or "") and "AHIP/Aetna class" in (pm_funnel.alt_txt or "")
    esp_funnel = next(u for u in got[ESP] if u.filename.startswith("funnel"))
    assert "for 2 class(es)" in (esp_funnel.alt_txt or "")
    for found in got.values():
        for upload in found:
            assert _png_size(upload.content) and upload.alt_txt
