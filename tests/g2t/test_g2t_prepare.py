"""Preparing the G2T: a cohort without a training_link gets a GoTo training with every agent
registered and a personal link each; later changes follow; GoTo's faults lose and double nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.g2t import training as g2t_training
from db.models import G2TRegistration
from tests.g2t_steps import EMAILS, agents_with_email, connect, g2t, import_linkless
from tests.helpers import ANA, BEN, CHLOE, CLASS, TL, import_cohort, text_of

CH = ZoneInfo("America/Chicago")
DUE = datetime(2026, 11, 30, 8, 0, tzinfo=CH)  # 24 h before Tue Dec 1 08:00
DEV = "U0AG0004"


def _dm_texts(world, user: str) -> list[str]:
    return [text_of(m) for m in world.slack.dms_to(user)]


def _sync(world) -> None:
    world.run_job("bot.g2t.jobs:sync")


def test_an_imported_cohort_without_a_link_gets_its_training_and_personal_links(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_linkless(g2t_world)
    training = standin.only_training()
    assert training.name == "AHIP/Aetna class - Dec 1" and training.timezone == "America/Chicago"
    assert training.times == [
        {"startDate": f"2026-12-0{d}T14:00:00Z", "endDate": f"2026-12-0{d}T23:00:00Z"} for d in (1, 2, 3)
    ]
    assert "Break 1 10:00–10:15" in training.description and "Lunch 12:00–12:30" in training.description
    registered = standin.active_registrants(training.key)
    assert sorted(registered) == sorted(EMAILS[a] for a in (ANA, BEN, CHLOE))
    assert registered[EMAILS[ANA]]["givenName"] == "Ana" and registered[EMAILS[ANA]]["surname"] == "Ruiz"
    # Nobody hears anything before the lead time; then each agent gets their own link, once.
    assert g2t_world.slack.dms_to(ANA) == []
    g2t_world.advance_to(DUE)
    for agent in (ANA, BEN, CHLOE):
        [dm] = _dm_texts(g2t_world, agent)
        assert registered[EMAILS[agent]]["joinUrl"] in dm
    assert registered[EMAILS[BEN]]["joinUrl"] not in _dm_texts(g2t_world, ANA)[0]
    _sync(g2t_world)
    import_linkless(g2t_world)
    assert len(standin.calls("register")) == 3 and len(standin.calls("create_training")) == 1
    assert len(g2t_world.slack.dms_to(ANA)) == 1


def test_emails_come_from_slack_when_the_file_has_none_and_a_missing_one_is_named_once(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    g2t_world.slack.add_user(BEN, "Ben Okafor", email="Ben.Okafor@Example.com")
    rows = agents_with_email()
    for row in rows[1:]:
        del row["email"]  # Ben: from Slack; Chloe: nowhere
    import_linkless(g2t_world, agents=rows)
    registered = standin.active_registrants(standin.only_training().key)
    assert sorted(registered) == ["ana.ruiz@example.com", "ben.okafor@example.com"]
    [told] = _dm_texts(g2t_world, TL)
    assert "Chloe Martin" in told and "no email address" in told
    _sync(g2t_world)
    import_linkless(g2t_world, agents=rows)
    assert len(g2t_world.slack.dms_to(TL)) == 1
    # The class goes on: Ana and Ben get their links; the TL is not told the G2T failed.
    g2t_world.advance_to(DUE)
    assert len(g2t_world.slack.dms_to(ANA)) == 1 and len(g2t_world.slack.dms_to(BEN)) == 1
    assert g2t_world.slack.dms_to(CHLOE) == []
    assert [t for t in _dm_texts(g2t_world, TL) if "Start the training" not in t] == [told]


def test_an_agent_added_later_is_registered_and_gets_the_link_at_once_one_removed_is_cancelled(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_linkless(g2t_world)
    g2t_world.advance_to(DUE + timedelta(hours=2))
    g2t_world.slack.add_user(DEV, "Dev Patel", email="dev.patel@example.com")
    g2t_world.driver.command("/cohort", f"add <@{DEV}|dev> N4567890 45678901", user=TL, channel=CLASS)
    key = standin.only_training().key
    dev = standin.active_registrants(key)["dev.patel@example.com"]
    [dm] = _dm_texts(g2t_world, DEV)
    assert dev["joinUrl"] in dm
    # Chloe leaves the cohort file: her registration is cancelled, once.
    rows = [r for r in agents_with_email() if r["slack_id"] != CHLOE]
    import_linkless(
        g2t_world,
        agents=rows + [{"slack_id": DEV, "name": "Dev Patel", "n_number": "N4567890", "npn": "45678901"}],
    )
    assert EMAILS[CHLOE] not in standin.active_registrants(key)
    assert [c.status for c in standin.calls("cancel")] == [204]
    _sync(g2t_world)
    assert len(standin.calls("cancel")) == 1 and len(standin.calls("register")) == 4


def test_a_schedule_change_moves_the_sessions_without_emailing_registrants(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_linkless(g2t_world)
    import_linkless(g2t_world, start_date="2026-12-02", days=2)
    [move] = standin.calls("update_times")
    assert move.status == 200 and move.body["notifyRegistrants"] is False
    assert [t["startDate"] for t in standin.only_training().times] == [
        "2026-12-02T14:00:00Z",
        "2026-12-03T14:00:00Z",
    ]
    assert len(standin.calls("register")) == 3 and len(standin.calls("create_training")) == 1
    _sync(g2t_world)
    assert len(standin.calls("update_times")) == 1


def test_goto_down_blocks_nothing_the_tl_is_told_once_and_it_catches_up(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    standin.down()
    cid = import_linkless(g2t_world)
    assert standin.trainings == {} and g2t_world.slack.dms_to(TL) == []
    g2t_world.advance_to(DUE)
    [told] = _dm_texts(g2t_world, TL)
    assert "could not get its GoTo training ready" in told and "unavailable (503)" in told
    assert "Ana Ruiz" in told and "keep trying" in told
    _sync(g2t_world)
    assert len(g2t_world.slack.dms_to(TL)) == 1  # once
    standin.up()
    g2t_world.clock.advance(timedelta(minutes=5))
    _sync(g2t_world)
    key = standin.only_training().key
    assert len(standin.active_registrants(key)) == 3
    for agent in (ANA, BEN, CHLOE):
        assert len(g2t_world.slack.dms_to(agent)) == 1
    with g2t_world.ctx.db.session() as session:
        assert g2t_training.ready(session, cid)
    _sync(g2t_world)
    assert len(standin.calls("register")) == 3


def test_a_lost_answer_never_registers_anyone_twice(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    # GoTo registers Ben but the answer never arrives (three times: the client gives up).
    standin.fail("register", 504, times=4, after=True)
    import_linkless(g2t_world)
    key = standin.only_training().key
    _sync(g2t_world)
    registered = standin.active_registrants(key)
    assert sorted(registered) == sorted(EMAILS[a] for a in (ANA, BEN, CHLOE))
    assert 409 in [c.status for c in standin.calls("register")]  # the retry was told "already there"
    with g2t_world.ctx.db.session() as session:
        rows = list(session.scalars(select(G2TRegistration)))
    assert {r.registrant_key for r in rows} == {r["registrantKey"] for r in registered.values()}


def test_a_lost_creation_answer_finds_the_training_again(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    standin.fail("create_training", 504, times=4, after=True)
    import_linkless(g2t_world)
    assert len(standin.trainings) == 1 and standin.calls("register") == []
    _sync(g2t_world)
    assert len(standin.trainings) == 1 and len(standin.calls("register")) == 3


def test_401_and_429_are_absorbed(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    standin.fail("register", 401)
    standin.fail("register", 429, retry_after=0)
    import_linkless(g2t_world)
    assert len(standin.active_registrants(standin.only_training().key)) == 3
    assert [c.status for c in standin.calls("register")] == [401, 429, 201, 201, 201]


def test_the_tl_gets_the_start_link_the_day_before_and_each_morning_once(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_linkless(g2t_world)
    g2t_world.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=CH))
    starts = [t for t in _dm_texts(g2t_world, TL) if "Start the training" in t]
    assert len(starts) == 3  # the day before, day 1, day 2
    assert "tomorrow" in starts[0] and "day 1 today" in starts[1] and "day 2 today" in starts[2]
    assert f"/start/{standin.only_training().key}" in starts[0]
    g2t_world.catch_up()
    assert len([t for t in _dm_texts(g2t_world, TL) if "Start the training" in t]) == 3


def test_a_cohort_with_a_training_link_keeps_todays_behaviour(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_cohort(g2t_world)
    g2t_world.advance_to(datetime(2026, 12, 1, 18, 0, tzinfo=CH))
    _sync(g2t_world)
    assert [c.kind for c in standin.calls() if c.kind != "token"] == []
    assert "https://example.gotowebinar.com/join/123456789" in _dm_texts(g2t_world, ANA)[0]


def test_without_a_connection_the_tl_hears_once_that_there_is_no_link(g2t_world):
    import_linkless(g2t_world)
    g2t_world.advance_to(DUE)
    _sync(g2t_world)
    [told] = _dm_texts(g2t_world, TL)
    assert "no training link" in told and "training-day g2t connect" in told
    assert g2t(g2t_world).calls() == []


def test_cohort_new_without_a_link_makes_the_training_after_the_ack_even_with_goto_down(g2t_world):
    connect(g2t_world)
    import_cohort(g2t_world)  # the TL's first class (with a link of its own)
    standin = g2t(g2t_world)
    standin.down()
    values = {
        "cohort_name": {"value": {"type": "plain_text_input", "value": "Class - Jan 5"}},
        "cohort_channel": {"value": {"type": "conversations_select", "selected_conversation": "C0NEWCLS1"}},
        "cohort_timezone": {
            "value": {"type": "static_select", "selected_option": {"value": "America/Chicago"}}
        },
        "cohort_start": {"value": {"type": "datepicker", "selected_date": "2027-01-05"}},
        "cohort_days": {"value": {"type": "static_select", "selected_option": {"value": "3"}}},
        "cohort_link": {"value": {"type": "url_text_input", "value": None}},
        "cohort_tl": {"value": {"type": "users_select", "selected_user": TL}},
        "cohort_pm": {"value": {"type": "users_select", "selected_user": "U0PM0001"}},
    }
    reply = g2t_world.driver.submit_view("cohort_new", values, user=TL)
    assert reply.status == 200 and reply.body == "" and reply.seconds < 1.5
    assert standin.trainings == {}
    standin.up()
    _sync(g2t_world)
    training = standin.only_training()
    assert training.name == "Class - Jan 5" and training.times[0]["startDate"] == "2027-01-05T14:00:00Z"


def test_no_unit_of_work_is_open_across_a_goto_call():
    """Like tests/kernel/test_layering.py's Slack rule: a GoTo call (retries and Retry-After waits
    included) must never hold a transaction open."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = sorted((root / "bot" / "g2t").glob("*.py"))
    call = re.compile(r"\b(api|_oauth\([^)]*\))\.\w+\(")
    offenders = []
    for path in files:
        lines = path.read_text().split("\n")
        for i, line in enumerate(lines):
            opened = re.match(r"(\s*)with .*\.session\(\) as ", line)
            if not opened:
                continue
            indent = len(opened.group(1))
            for j in range(i + 1, len(lines)):
                body = lines[j]
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                if call.search(body):
                    offenders.append(f"{path.name}:{j + 1}")
    assert offenders == []


def test_a_start_link_goto_could_not_give_in_time_follows_once_it_can(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_linkless(g2t_world)
    g2t_world.advance_to(datetime(2026, 12, 1, 7, 0, tzinfo=CH))
    standin.down()
    g2t_world.advance_to(datetime(2026, 12, 1, 7, 35, tzinfo=CH))  # the morning link's moment: 7:30
    assert len([t for t in _dm_texts(g2t_world, TL) if "Start the training" in t]) == 1  # the eve's
    standin.up()
    _sync(g2t_world)
    _sync(g2t_world)
    starts = [t for t in _dm_texts(g2t_world, TL) if "Start the training" in t]
    assert len(starts) == 2 and "day 1 today" in starts[1]
