"""A 200-agent class: every message and view the TL gets still fits Slack's limits (the stand-in
refuses what Slack would refuse, and every test checks nothing was refused)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.standin.classes import big_cohort
from tests.helpers import TL, add_staff, notices_to, replies, text_of

CH = ZoneInfo("America/Chicago")
CHANNEL = "C0BIGCLS1"


def test_a_200_agent_class_day_fits_in_slack(world):
    spec = parse_cohort(big_cohort(200, channel=CHANNEL), world.ctx.playbook)
    add_staff(world)
    with world.ctx.db.session() as session:
        cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now())
    # Nobody checks in or answers a prompt: the longest possible lines, for everyone.
    world.advance_to(datetime(2026, 12, 1, 17, 30, tzinfo=CH))
    end_of_day = [m for m in notices_to(world, TL) if "Attendance –" in text_of(m)]
    assert len(end_of_day) == 1
    body = text_of(end_of_day[0])
    assert "Agent 1*" in body and "Agent 200*" in body  # every agent is listed, split over sections

    for command in ("/attendance", "/progress", "/esp"):
        reply = world.driver.command(command, "", user=TL, channel=CHANNEL)
        [answer] = replies(world, reply)
        assert "Agent 200" in answer, command

    world.driver.event({"type": "app_home_opened", "user": TL, "tab": "home", "channel": "D0TL0001"})
    [home] = world.slack.calls("views.publish")
    assert home.response["ok"]
    assert world.slack.rejected() == []
