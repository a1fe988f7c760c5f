"""Timezones Slack's directory could hand us that zoneinfo cannot load (a directory like
`America`, 300 characters, a path, a NUL, a zone this machine lacks): never a traceback, never a
DM saying nothing was saved; the person reads times in the class's zone as before."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.core import people
from db.models import AuditEntry, Cohort, Role
from tests.cohorts.test_cohort_command import _modal_values
from tests.helpers import BEN, PM, TL, add_staff, import_cohort, text_of

BAD_ZONES = ["America", "A" * 300, "../etc/passwd", "America/Chicago\x00", "Mars/Olympus", "", "/", 42]
IDS = ["directory", "300-chars", "path", "nul", "unknown", "empty", "root", "number"]
STRANGER = "U0NOBODY1"


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def _zone_audits(world) -> int:
    with world.ctx.db.session() as session:
        return len(session.scalars(select(AuditEntry).where(AuditEntry.action == "person.timezone")).all())


@pytest.mark.parametrize("zone", BAD_ZONES, ids=IDS)
def test_a_user_change_with_a_zone_zoneinfo_cannot_load_changes_nothing_and_says_nothing(world, zone, caplog):
    import_cohort(world)
    dms_before = {user: len(world.slack.dms_to(user)) for user in (BEN, STRANGER)}
    audits_before = _zone_audits(world)
    for user in (BEN, STRANGER):  # someone we know, and someone the bot has never met
        reply = world.driver.event({"type": "user_change", "user": {"id": user, "tz": zone}})
        assert reply.status == 200
    world.settle()
    with world.ctx.db.session() as session:
        assert people.by_slack_id(session, BEN).timezone == "America/Chicago"  # type: ignore[union-attr]
        assert people.by_slack_id(session, STRANGER) is None
    assert _zone_audits(world) == audits_before
    assert {user: len(world.slack.dms_to(user)) for user in (BEN, STRANGER)} == dms_before
    assert _tracebacks(caplog) == []


@pytest.mark.parametrize("zone", ["America", "B" * 300, "../etc"], ids=["directory", "300-chars", "path"])
def test_a_bad_zone_in_users_info_falls_back_to_the_class_zone(world, zone, caplog):
    world.slack.add_user(BEN, "Ben Okafor", tz=zone)
    import_cohort(world)
    with world.ctx.db.session() as session:
        ben = people.by_slack_id(session, BEN)
        assert ben is not None and ben.timezone in (None, "America/Chicago")
    assert _tracebacks(caplog) == []
    assert not any("nothing was saved" in text_of(m).lower() for m in world.slack.dms_to(BEN))


def test_cohort_new_with_a_team_lead_whose_zone_is_bad_creates_and_says_so(world, caplog):
    import_cohort(world)
    world.slack.add_user(TL, "Tess Lead", tz="America")
    world.slack.add_user("U0PM0002", "Pat Newman", tz="C" * 300)
    add_staff(world, {"U0PM0002": ("Pat Newman", Role.PM)})
    values = _modal_values(name="Class - Jan 5", channel="C0NEWCLS1", start="2027-01-05", pm="U0PM0002")

    reply = world.driver.submit_view("cohort_new", values, user=TL)

    assert reply.status == 200 and reply.body == ""
    with world.ctx.db.session() as session:
        assert session.scalar(select(Cohort.id).where(Cohort.channel_id == "C0NEWCLS1")) is not None
    said = [text_of(m) for m in world.slack.dms_to(TL)] + [str(r.payload) for r in world.slack.responses()]
    assert any("Created *Class - Jan 5*" in t for t in said)
    assert not any("nothing was saved" in t.lower() for t in said)
    assert _tracebacks(caplog) == []


@pytest.mark.parametrize(
    "zone", ["America", "D" * 300, "../etc", "Etc/\x00"], ids=["directory", "300", "path", "nul"]
)
def test_a_forged_class_zone_in_cohort_new_is_refused_on_its_field(world, zone, caplog):
    import_cohort(world)
    values = _modal_values(name="Class - Jan 5", channel="C0NEWCLS1", start="2027-01-05", pm=PM)
    values["cohort_timezone"]["value"]["selected_option"]["value"] = zone

    body = world.driver.submit_view("cohort_new", values, user=TL).json()

    assert body["response_action"] == "errors" and "unknown timezone" in body["errors"]["cohort_timezone"]
    with world.ctx.db.session() as session:
        assert session.scalar(select(Cohort.id).where(Cohort.channel_id == "C0NEWCLS1")) is None
    _no_tracebacks = [r for r in caplog.records if r.exc_info]
    assert _no_tracebacks == []
