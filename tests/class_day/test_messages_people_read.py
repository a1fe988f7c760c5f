"""Messages people read: the link once behind a Join button, a morning post that states each rule
once, a Home that says what is overdue (and refreshes by itself), days counted on the calendar."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.esp_tracker import service as esp
from db.models import Role
from tests.helpers import ANA, BEN, CLASS, TL, import_cohort, text_of
from tests.home.test_app_home import open_home
from tests.red_flags.test_red_flags import add_staff

CH = ZoneInfo("America/Chicago")
LINK = "https://example.gotowebinar.com/join/123456789"
ESP = "U0ESP001"


def _flat(view: dict) -> str:
    return text_of({"blocks": view["blocks"]})


def test_the_link_dm_shows_the_link_once_behind_a_primary_join_button(world):
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    import_cohort(world)
    [dm] = world.slack.dms_to(ANA)
    assert text_of(dm).count(LINK) == 1
    [join] = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (join["text"]["text"], join["url"], join["style"]) == ("Join the training", LINK, "primary")
    assert "AHIP/Aetna class - Dec 1" in join["accessibility_label"]
    # Slack sends the click of a link button too: it is acked, and nothing else happens.
    before = len(world.slack.calls())
    reply = world.driver.action(join["action_id"], join["value"], user=ANA)
    assert reply.status == 200 and len(world.slack.calls()) == before


def test_the_morning_post_states_each_rule_once_and_briefly(world):
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    [morning] = [m for m in world.slack.messages(channel=CLASS) if "Good morning" in text_of(m)]
    body = text_of(morning)
    warning = world.ctx.playbook.formats.n_number_warning
    assert body.count(warning) == 1 and body.count("NPN") == warning.count("NPN")
    [rule] = [line for line in body.splitlines() if "Hand-raise rule" in line]
    assert len(rule.split()) <= 30, rule
    assert "marks you MIA" in rule
    assert "13 green checkmarks" in body and "Check in" in body and "muted" in body


def test_homes_say_what_is_overdue_and_never_ask_to_be_reopened(world):
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 9, 0, tzinfo=CH))
    world.driver.command("/progress", "ahip 2", user=BEN, channel=CLASS)
    # Day 1 is not over: nothing is late yet.
    assert "Overdue" not in _flat(open_home(world, ANA))
    world.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CH))
    agent = _flat(open_home(world, ANA))
    assert "Overdue" in agent and "AHIP module 1, AHIP module 2 (due by the end of day 1)" in agent
    assert "Overdue" not in _flat(open_home(world, BEN))
    lead = _flat(open_home(world, TL))
    [ana] = [line for line in lead.splitlines() if line.startswith("*Ana Ruiz*")]
    assert "overdue: AHIP module 1, AHIP module 2 (due by the end of day 1)" in ana
    [ben] = [line for line in lead.splitlines() if line.startswith("*Ben Okafor*")]
    assert "overdue" not in ben
    for text in (agent, lead):
        assert "open this tab again" not in text.lower()


def test_the_morning_report_counts_calendar_days_in_the_readers_zone(world):
    world.clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=CH))
    import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    # Early Thursday Ana's last item is done; Friday morning's report (more than a day later, so she
    # is listed as waiting) reads "yesterday", not a count of 24-hour periods.
    world.advance_to(datetime(2026, 12, 3, 7, 0, tzinfo=CH))
    updates = " ".join(f"{item}=complete" for item in esp.ITEMS)
    world.driver.command("/esp", f"<@{ANA}|x> {updates}", user=TL, channel=CLASS)
    world.clock.set(datetime(2026, 12, 4, 7, 30, tzinfo=CH))
    world.run_job("bot.reports.morning_jobs:send_report", "2026-12-04")
    report = text_of([m for m in world.slack.dms_to(ESP) if "Morning report" in text_of(m)][-1])
    assert "Ana Ruiz: ESP-complete since Thu Dec 3, 2026 (yesterday)" in report
    assert "(today)" not in report
