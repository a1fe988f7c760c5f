"""Everyone's own clock on every path: however a class is made (a file, /cohort add), each agent's
timezone is asked of Slack before their first DM, and a zone Slack gets wrong is refused safely."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.core import people
from bot.g2t import links as g2t_links
from tests.helpers import ANA, BEN, CLASS, TL, add_staff, sample_cohort, text_of

CH = ZoneInfo("America/Chicago")
NEW = "U0AG0009"


def _import_file(world, **overrides) -> int:
    """What `training-day cohort import FILE` writes, and nothing else: no zone asked yet."""
    add_staff(world)
    spec = parse_cohort(sample_cohort(**overrides), world.ctx.playbook)
    with world.ctx.db.session() as session:
        return cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now()).cohort.id


def _zone(world, user: str) -> str | None:
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, user)
        return person.timezone if person else None


def test_an_agent_in_los_angeles_in_a_chicago_class_from_a_file_reads_pacific_time(world):
    world.slack.add_user(ANA, "Ana Ruiz", tz="America/Los_Angeles")
    world.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CH))
    _import_file(world)
    assert _zone(world, ANA) is None

    world.advance_to(datetime(2026, 11, 30, 8, 0, tzinfo=CH))  # the G2T link job, 24 hours ahead
    [link] = world.slack.dms_to(ANA)
    assert "6:00 AM – 3:00 PM PST (8:00 AM – 5:00 PM CST)" in text_of(link)
    assert _zone(world, ANA) == "America/Los_Angeles"
    [ben] = world.slack.dms_to(BEN)
    assert "8:00 AM – 5:00 PM CST" in text_of(ben) and "PST" not in text_of(ben)


def test_an_agent_added_with_cohort_add_gets_the_link_in_their_zone(world):
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))  # inside the lead time: the link goes at once
    _import_file(world)
    world.slack.add_user(NEW, "Nia Stone", tz="America/New_York")
    world.driver.command("/cohort", f"add <@{NEW}|nia> N7654321 76543210", user=TL, channel=CLASS)
    assert _zone(world, NEW) == "America/New_York"
    [link] = world.slack.dms_to(NEW)
    assert "9:00 AM – 6:00 PM EST (8:00 AM – 5:00 PM CST)" in text_of(link)


def test_a_zone_slack_gets_wrong_is_refused_and_the_class_time_is_shown(world):
    world.slack.add_user(ANA, "Ana Ruiz", tz="Mars/Olympus")
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    cohort_id = _import_file(world)
    g2t_links.deliver_links(world.ctx, cohort_id)
    world.settle()
    assert _zone(world, ANA) is None
    [link] = world.slack.dms_to(ANA)
    assert "8:00 AM – 5:00 PM CST" in text_of(link)


def test_the_zone_is_asked_once_not_on_every_later_sync(world):
    world.slack.add_user(ANA, "Ana Ruiz", tz="America/Los_Angeles")
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    cohort_id = _import_file(world)
    for _ in range(3):
        g2t_links.deliver_links(world.ctx, cohort_id)
    world.settle()
    asked = [c for c in world.slack.calls("users.info") if c.args.get("user") == ANA]
    assert len(asked) == 1
    assert len(world.slack.dms_to(ANA)) == 1
