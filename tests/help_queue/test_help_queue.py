"""The help queue through the real app: /techissue, "Still stuck", /needhelp, claiming into a
breakout room, resolving, double clicks, refusals, and the end-of-day section."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.calendar.dayplan import business_days
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.core import outbox, people
from bot.forms import evening_check
from bot.help_queue import service as help_queue
from bot.help_queue.blocks import still_stuck_value
from bot.help_queue.report import help_queue_section
from db.models import AuditEntry, HelpRequest, Notification, Role
from scheduler import jobs as job_list
from tests import helpers
from tests.helpers import ANA, BEN, CHLOE, CLASS, DEV, PM, TL, replies, sample_cohort, text_of

CHICAGO = ZoneInfo("America/Chicago")
DAY1_10AM = datetime(2026, 12, 1, 10, 0, tzinfo=CHICAGO)


def import_cohort(world, **overrides) -> int:
    """The sample cohort, its staff named as people would see them in Slack."""
    with world.ctx.db.session() as session:
        for user, name, role in ((TL, "Tess Lead", Role.TL), (PM, "Paolo Manager", Role.PM)):
            people.upsert(
                session, slack_user_id=user, name=name, role=role, actor="cli", now=world.clock.now()
            )
    return helpers.import_cohort(world, **overrides)


def _rows(world) -> list[HelpRequest]:
    with world.ctx.db.session() as session:
        return list(session.scalars(select(HelpRequest).order_by(HelpRequest.id)))


def _claim_buttons(message) -> list[str]:
    return [
        e["value"]
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "help_claim"
    ]


def _room(value: str) -> dict:
    return {"help_room": {"value": {"type": "number_input", "value": value}}}


def _meta(request_id: int) -> str:
    return json.dumps({"request_id": request_id})


def _still_stuck(world, user, topic="g2t_audio", text="no audio", **kw):
    return world.driver.action(
        "help_still_stuck", still_stuck_value(topic, text), user=user, channel=CLASS, **kw
    )


# -- /techissue --------------------------------------------------------------------------------
def test_techissue_answers_with_the_matching_steps_and_a_still_stuck_button(world):
    import_cohort(world)
    reply = world.driver.command("/techissue", "no audio in G2T", user=CHLOE, channel=CLASS)
    assert reply.status == 200
    [answer] = replies(world, reply)
    assert "No audio in GoTo Training" in answer
    assert "1. In GoTo Training, open *Audio*" in answer
    assert "https://docs.example.com/licensing/tech-issues" in answer
    assert "[Still stuck]" in answer
    assert _rows(world) == []  # only the button queues


def test_techissue_citrix_says_the_user_name_is_the_n_number(world):
    import_cohort(world)
    [answer] = replies(
        world, world.driver.command("/techissue", "can't log in to citrix", user=ANA, channel=CLASS)
    )
    assert "Citrix won't let me log in" in answer
    assert "Your Citrix user name is your N-Number" in answer


def test_unrecognised_problem_gets_the_general_checklist(world):
    import_cohort(world)
    [answer] = replies(world, world.driver.command("/techissue", "my cat sat on the keyboard", user=ANA))
    assert "General checklist" in answer and "I did not recognise" in answer
    assert "Restart your computer" in answer
    assert "/techissue audio" in answer  # the topics it knows
    assert "[Still stuck]" in answer


@pytest.mark.parametrize(
    "words, key",
    [
        ("I can't hear anything", "g2t_audio"),
        ("aetna password locked", "aetna_locked"),
        ("can't login to aetna", "aetna_locked"),
        ("citrix password", "citrix_login"),
        ("the AHIP page is blank", "ahip_site"),
        ("", None),
        ("nothing familiar", None),
    ],
)
def test_keywords_pick_the_topic(words, key):
    playbook = load_playbook(SHIPPED_PLAYBOOK)
    topic = help_queue.match_topic(playbook, words)
    assert (topic.key if topic else None) == key


def test_staff_see_the_steps_without_the_queue_button(world):
    import_cohort(world)
    [answer] = replies(world, world.driver.command("/techissue", "audio", user=TL, channel=CLASS))
    assert "No audio in GoTo Training" in answer
    assert "[Still stuck]" not in answer and "Agents also get a *Still stuck* button" in answer


def test_unknown_and_unenrolled_people_are_told_clearly(world):
    import_cohort(world)
    [answer] = replies(world, world.driver.command("/techissue", "audio", user="U0STRANGER"))
    assert "I don't know you yet" in answer
    # Chloe leaves the class (the file no longer lists her).
    import_cohort(world, agents=sample_cohort()["agents"][:2])
    [answer] = replies(world, world.driver.command("/techissue", "audio", user=CHLOE))
    assert "You are not in a class right now" in answer
    [answer] = replies(world, world.driver.command("/needhelp", "", user=CHLOE))
    assert "You are not in a class right now" in answer
    assert _rows(world) == []


# -- joining the queue -------------------------------------------------------------------------
def test_still_stuck_queues_the_agent_and_dms_the_tl_a_claim_button(world):
    cohort_id = import_cohort(world)
    world.clock.set(DAY1_10AM)
    reply = _still_stuck(world, CHLOE)
    assert reply.status == 200
    [answer] = replies(world, reply)
    assert "You're in the help queue (#1 of 1 waiting)" in answer
    assert "<@U0TL0001> will pull you into a breakout room" in answer
    # Only what is new: the steps they already tried are not posted again.
    assert "[Still stuck]" not in answer and "1. In GoTo Training" not in answer

    [row] = _rows(world)
    assert (row.cohort_id, row.source, row.topic_key, row.text, row.status) == (
        cohort_id,
        "techissue",
        "g2t_audio",
        "no audio",
        "waiting",
    )
    assert row.requested_at == DAY1_10AM
    [dm] = world.slack.dms_to(TL)
    card = text_of(dm)
    assert "Chloe Martin" in card and "No audio in GoTo Training" in card and "10:00 AM" in card
    assert _claim_buttons(dm) == [str(row.id)]
    with world.ctx.db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "help.requested")).all()
        assert entry.actor == CHLOE and entry.entity_id == str(row.id)


def test_double_clicking_still_stuck_queues_once(world):
    import_cohort(world)
    first = _still_stuck(world, CHLOE, settle=False)
    second = _still_stuck(world, CHLOE, settle=False)
    world.settle()
    assert first.status == second.status == 200
    assert len(_rows(world)) == 1
    assert len(world.slack.dms_to(TL)) == 1
    answers = replies(world, first) + replies(world, second)
    assert any("already in the help queue" in a for a in answers)
    assert not any("went wrong" in a for a in answers)


def test_needhelp_queues_in_order_and_a_repeat_changes_nothing(world):
    import_cohort(world)
    world.clock.set(DAY1_10AM)
    [answer] = replies(
        world, world.driver.command("/needhelp", "AHIP module 3 won't load", user=ANA, channel=CLASS)
    )
    assert "#1 of 1 waiting" in answer
    world.clock.advance(timedelta(minutes=2))
    [answer] = replies(world, world.driver.command("/needhelp", "", user=BEN, channel=CLASS))
    assert "#2 of 2 waiting" in answer
    [answer] = replies(world, world.driver.command("/needhelp", "again", user=ANA, channel=CLASS))
    assert "already in the help queue since 10:00 AM (#1 of 2 waiting)" in answer
    rows = _rows(world)
    assert [(r.person.slack_user_id, r.source, r.topic_key) for r in rows] == [
        (ANA, "needhelp", "ahip_site"),
        (BEN, "needhelp", None),
    ]
    cards = [text_of(m) for m in world.slack.dms_to(TL)]
    assert len(cards) == 2
    assert "AHIP module 3 won't load" in cards[0] and "2 agents are waiting" in cards[1]


def test_staff_typing_needhelp_get_an_explanation_and_the_open_queue(world):
    import_cohort(world)
    [answer] = replies(world, world.driver.command("/needhelp", "", user=PM, channel=CLASS))
    assert "The help queue is for agents" in answer and "Nobody in your classes is waiting" in answer
    world.driver.command("/needhelp", "citrix", user=BEN, channel=CLASS)
    world.clock.advance(timedelta(minutes=5))
    [answer] = replies(world, world.driver.command("/needhelp", "", user=TL, channel=CLASS))
    assert "*Ben Okafor* (AHIP/Aetna class - Dec 1): waiting 5 min" in answer
    assert len(_rows(world)) == 1
    [answer] = replies(world, world.driver.command("/needhelp", "", user="U0STRANGER"))
    assert "I don't know you yet" in answer


# -- claiming ----------------------------------------------------------------------------------
def _queue(world, user=CHLOE) -> HelpRequest:
    world.driver.command("/needhelp", "no audio", user=user, channel=CLASS)
    return [r for r in _rows(world) if r.person.slack_user_id == user][-1]


def test_claim_opens_the_room_modal_and_the_agent_is_told_where_to_go(world):
    import_cohort(world)
    world.clock.set(DAY1_10AM)
    request = _queue(world)
    [card] = world.slack.dms_to(TL)

    world.clock.advance(timedelta(minutes=4))
    reply = world.driver.action(
        "help_claim", str(request.id), user=TL, channel=card["channel"], message_ts=card["ts"]
    )
    assert reply.status == 200
    [opened] = world.slack.calls("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "help_claim_room" and json.loads(view["private_metadata"]) == {
        "request_id": request.id
    }
    assert "Breakout room number" in json.dumps(view)

    reply = world.driver.submit_view(
        "help_claim_room", _room("3"), user=TL, private_metadata=view["private_metadata"]
    )
    assert reply.status == 200 and reply.body == ""
    [row] = _rows(world)
    assert (row.status, row.room, row.claimed_by.slack_user_id) == ("claimed", 3, TL)
    assert help_queue.wait_of(row) == timedelta(minutes=4)
    [dm] = world.slack.dms_to(CHLOE)
    assert "Join breakout room 3* with <@U0TL0001> in GoTo Training" in text_of(dm)
    [update] = world.slack.calls("chat.update")
    assert (update.args["channel"], update.args["ts"]) == (card["channel"], card["ts"])
    updated = text_of(update.args)
    assert "Claimed by <@U0TL0001> at 10:04 AM after 4 min · breakout room 3" in updated
    assert "[Mark resolved]" in updated and "[Claim]" not in updated
    with world.ctx.db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "help.claimed")).all()
        assert entry.actor == TL and entry.details == {"room": 3, "wait_seconds": 240}


@pytest.mark.parametrize("room", ["0", "51", "abc", "", "2.5"])
def test_room_number_out_of_range_is_refused_in_the_modal(world, room):
    import_cohort(world)
    request = _queue(world)
    body = world.driver.submit_view(
        "help_claim_room", _room(room), user=TL, private_metadata=_meta(request.id)
    ).json()
    assert body["response_action"] == "errors"
    assert body["errors"]["help_room"] == "Type a breakout room number from 1 to 50."
    assert _rows(world)[0].status == "waiting"
    assert world.slack.dms_to(CHLOE) == []


def test_a_second_claim_changes_nothing_and_names_who_has_it(world):
    import_cohort(world)
    world.clock.set(DAY1_10AM)
    request = _queue(world)
    # Both open the modal (a double click, or TL and PM at once), then both submit.
    world.driver.action("help_claim", str(request.id), user=TL)
    world.driver.action("help_claim", str(request.id), user=PM)
    assert len(world.slack.calls("views.open")) == 2
    first = world.driver.submit_view(
        "help_claim_room", _room("3"), user=TL, private_metadata=_meta(request.id)
    )
    second = world.driver.submit_view(
        "help_claim_room", _room("7"), user=PM, private_metadata=_meta(request.id)
    )
    assert first.body == ""
    assert second.json()["errors"]["help_room"] == (
        "Tess Lead already claimed Chloe Martin's request at 10:00 AM (breakout room 3)."
    )
    # A click on Claim after that does not even open the modal.
    reply = world.driver.action("help_claim", str(request.id), user=PM)
    assert replies(world, reply) == [
        "Tess Lead already claimed Chloe Martin's request at 10:00 AM (breakout room 3)."
    ]
    assert len(world.slack.calls("views.open")) == 2
    [row] = _rows(world)
    assert (row.room, row.claimed_by.slack_user_id) == (3, TL)
    assert len(world.slack.dms_to(CHLOE)) == 1


def test_racing_claims_only_one_wins(world):
    import_cohort(world)
    request = _queue(world)
    replies_ = [
        world.driver.submit_view(
            "help_claim_room",
            _room(str(n)),
            user=TL if n % 2 else PM,
            private_metadata=_meta(request.id),
            settle=False,
        )
        for n in range(1, 7)
    ]
    world.settle()
    won = [r for r in replies_ if r.body == ""]
    assert len(won) == 1
    assert all("already claimed" in r.json()["errors"]["help_room"] for r in replies_ if r is not won[0])
    assert len(world.slack.dms_to(CHLOE)) == 1


def test_only_the_classes_staff_may_claim(world):
    import_cohort(world)
    request = _queue(world)
    [answer] = replies(world, world.driver.action("help_claim", str(request.id), user=ANA))
    assert "Sorry, only team leads, production managers and admins can claim or resolve" in answer
    import_cohort(
        world,
        name="Other class",
        channel="C0OTHER01",
        team_lead="U0TL0002",
        production_manager="U0PM0002",
        agents=[{"slack_id": DEV, "name": "Dev Patel", "n_number": "N4821337", "npn": "48213377"}],
    )
    [answer] = replies(world, world.driver.action("help_claim", str(request.id), user="U0TL0002"))
    # The policy's one line.
    assert "is in AHIP/Aetna class - Dec 1, which is not one of your classes" in answer
    body = world.driver.submit_view(
        "help_claim_room", _room("2"), user="U0TL0002", private_metadata=_meta(request.id)
    ).json()
    assert "which is not one of your classes" in body["errors"]["help_room"]
    assert world.slack.calls("views.open") == [] and _rows(world)[0].status == "waiting"


def test_resolving_records_it_and_updates_the_card(world):
    import_cohort(world)
    world.clock.set(DAY1_10AM)
    request = _queue(world)
    world.driver.submit_view("help_claim_room", _room("3"), user=TL, private_metadata=_meta(request.id))
    world.clock.advance(timedelta(minutes=15))
    reply = world.driver.action("help_resolve", str(request.id), user=TL)
    assert replies(world, reply) == []
    [row] = _rows(world)
    assert row.status == "resolved" and row.resolved_at == DAY1_10AM + timedelta(minutes=15)
    last = text_of(world.slack.calls("chat.update")[-1].args)
    assert "Resolved by <@U0TL0001> at 10:15 AM" in last and "[Mark resolved]" not in last
    again = world.driver.action("help_resolve", str(request.id), user=PM)
    assert replies(world, again) == ["Chloe Martin's request was already resolved by Tess Lead at 10:15 AM."]
    assert _rows(world)[0].resolved_by.slack_user_id == TL
    # Open again once claimed: the agent can ask for help with the next thing.
    world.driver.command("/needhelp", "AHIP", user=CHLOE)
    assert [r.status for r in _rows(world)] == ["resolved", "waiting"]


def test_open_for_cohort_lists_waiting_and_claimed_oldest_first(world):
    cohort_id = import_cohort(world)
    world.clock.set(DAY1_10AM)
    ana = _queue(world, ANA)
    world.clock.advance(timedelta(minutes=1))
    ben = _queue(world, BEN)
    world.clock.advance(timedelta(minutes=1))
    chloe = _queue(world, CHLOE)
    world.driver.submit_view("help_claim_room", _room("1"), user=TL, private_metadata=_meta(ben.id))
    world.driver.submit_view("help_claim_room", _room("2"), user=TL, private_metadata=_meta(chloe.id))
    world.driver.action("help_resolve", str(chloe.id), user=TL)
    with world.ctx.db.session() as session:
        assert [(r.id, r.status) for r in help_queue.open_for_cohort(session, cohort_id)] == [
            (ana.id, "waiting"),
            (ben.id, "claimed"),
        ]


def test_the_tl_card_survives_a_slack_hiccup(world):
    import_cohort(world)
    world.slack.fail("chat.postMessage", status=500, times=5)
    request = _queue(world)
    assert world.slack.dms_to(TL) == []
    with world.ctx.db.session() as session:
        [note] = session.scalars(select(Notification)).all()
        assert note.status == "failed" and note.key == f"help:{request.id}:staff"
    # The outbox sends it later; a claim still finds the card and updates it.
    [outcome] = outbox.retry_failed(world.ctx.db, world.ctx.client, world.clock.now())
    assert outcome.sent
    [card] = world.slack.dms_to(TL)
    world.driver.submit_view("help_claim_room", _room("4"), user=TL, private_metadata=_meta(request.id))
    [update] = world.slack.calls("chat.update")
    assert update.args["ts"] == card["ts"] and "breakout room 4" in text_of(update.args)


def test_every_help_request_is_acknowledged_fast(world):
    import_cohort(world)
    replies_ = [
        world.driver.command("/techissue", "audio", user=CHLOE),
        world.driver.command("/needhelp", "", user=ANA),
        _still_stuck(world, BEN),
        world.driver.action("help_claim", str(_rows(world)[0].id), user=TL),
    ]
    for reply in replies_:
        assert reply.status == 200 and reply.seconds < 1.5, reply


# -- wait times and the end-of-day section -----------------------------------------------------
def _day_of_requests(world) -> int:
    """Day 1: Ana waits 2 min, Ben 10 min, Chloe 4 min; day 2: Ana asks and is never claimed."""
    cohort_id = import_cohort(world)
    plan = [(ANA, 0, 2), (BEN, 30, 10), (CHLOE, 60, 4)]
    for user, at, wait in plan:
        world.clock.set(DAY1_10AM + timedelta(minutes=at))
        request = _queue(world, user)
        world.clock.advance(timedelta(minutes=wait))
        world.driver.submit_view("help_claim_room", _room("5"), user=TL, private_metadata=_meta(request.id))
    world.clock.set(datetime(2026, 12, 2, 16, 50, tzinfo=CHICAGO))
    _queue(world, ANA)
    return cohort_id


def test_wait_times_for_a_day(world):
    cohort_id = _day_of_requests(world)
    with world.ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        start, end = evening_check.day_window(cohort, world.ctx.playbook, 1)
        assert help_queue.wait_times(session, cohort_id, start, end) == [
            timedelta(minutes=2),
            timedelta(minutes=10),
            timedelta(minutes=4),
        ]
        start2, end2 = evening_check.day_window(cohort, world.ctx.playbook, 2)
        assert help_queue.wait_times(session, cohort_id, start2, end2) == []


def test_end_of_day_section_counts_waits_and_the_unclaimed(world):
    cohort_id = _day_of_requests(world)
    assert help_queue_section in job_list.END_OF_DAY_SECTIONS
    with world.ctx.db.session() as session:
        day1 = "\n".join(
            text_of({"blocks": help_queue_section(session, world.ctx, cohort_id, 1)}).splitlines()
        )
        day2 = text_of({"blocks": help_queue_section(session, world.ctx, cohort_id, 2)})
        day3 = text_of({"blocks": help_queue_section(session, world.ctx, cohort_id, 3)})
    assert "3 requests, 3 claimed" in day1
    assert "median 4 min, longest 10 min" in day1
    assert "Never claimed" not in day1
    assert "1 request, 0 claimed" in day2 and "Never claimed: Ana Ruiz (since 4:50 PM)" in day2
    assert "nobody asked for help today" in day3


def test_the_end_of_day_dm_carries_the_help_queue_section(world):
    cohort_id = import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=CHICAGO))
    world.run_job("bot.class_day.jobs:morning_post", cohort_id, 1)
    world.clock.set(DAY1_10AM)
    request = _queue(world, BEN)
    world.clock.advance(timedelta(minutes=6))
    world.driver.submit_view("help_claim_room", _room("2"), user=TL, private_metadata=_meta(request.id))
    world.clock.set(datetime(2026, 12, 1, 17, 5, tzinfo=CHICAGO))
    world.run_job("scheduler.jobs:end_of_day", cohort_id, 1)
    eod = text_of(world.slack.dms_to(TL)[-1])
    assert "*Help queue*: 1 request, 1 claimed." in eod
    assert "median 6 min, longest 6 min" in eod


def test_training_days_skip_the_weekend():
    friday = datetime(2027, 1, 8).date()
    assert [d.isoformat() for d in business_days(friday, 3)] == [
        "2027-01-08",
        "2027-01-11",
        "2027-01-12",
    ]


def test_an_older_playbook_without_the_help_sections_still_loads():
    raw = load_playbook(SHIPPED_PLAYBOOK).model_dump(mode="json", exclude={"tech_issues", "help_queue"})
    playbook = Playbook.model_validate(raw)
    assert playbook.help_queue.max_breakout_room == 50
    assert playbook.tech_issues.topics == [] and playbook.tech_issues.general


def test_the_demo_plays_a_help_request_claimed_into_a_room(world):
    import io

    from bot.demo import part_help, part_setup
    from bot.demo.stage import Stage

    out = io.StringIO()
    stage = Stage(world, out)
    part_setup.play(stage)
    part_help.play(stage)
    transcript = out.getvalue()
    assert "Chloe Martin types: /techissue no audio" in transcript
    assert "[Still stuck]" in transcript and "[Claim]" in transcript
    assert "*Join breakout room 3* with @Tess (team lead)" in transcript
    assert "Resolved by @Tess (team lead)" in transcript
    [row] = _rows(world)
    assert (row.status, row.room, help_queue.wait_of(row)) == ("resolved", 3, timedelta(minutes=3))
