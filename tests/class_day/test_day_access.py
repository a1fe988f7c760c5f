"""In the training day, the help queue, red flags and App Home: an insider acts only on
their own classes' agents, a double submission writes once, malformed input is answered clearly."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot.slack import ids
from db.models import AttendanceCodeChoice, AttendanceFlag, AuditEntry, HelpRequest, RedFlag
from tests.helpers import replies, text_of
from tests.kernel.access_cases.base import A2, ADMIN, B1, CLASS_A, CLASS_B, ESP, PM_A, TL_A, TL_B, build
from tests.kernel.access_cases.day import help_request, mia_flag, red_flag, view_answer


def _count(world, model, *where) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.fixture
def two_classes(world, caplog):
    build(world)
    caplog.set_level(logging.INFO)
    yield world
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a traceback was logged"


def _say(world, *args, **kwargs) -> str:
    [answer] = replies(world, world.driver.command(*args, **kwargs))
    return answer


# -- /attendance ------------------------------------------------------------------------------
def test_attendance_set_in_another_class_is_refused_in_one_line_and_writes_nothing(two_classes):
    world = two_classes
    text = f"set <@{B1}|bea> 1 absent_hr_approved HR said so"
    refused = _say(world, "/attendance", text, user=TL_A, channel=CLASS_B)
    assert refused.startswith("Sorry, Bea One is in Class B") and "\n" not in refused
    assert _count(world, AttendanceCodeChoice) == 0
    # Nor can A's TL read B's agent; B's TL can do both.
    assert _say(world, "/attendance", f"<@{B1}|bea>", user=TL_A, channel=CLASS_A).startswith("Sorry")
    assert "Absent – HR Approved" in _say(world, "/attendance", text, user=TL_B, channel=CLASS_B)
    assert _count(world, AttendanceCodeChoice) == 1


@pytest.mark.parametrize("day", ["²", "1e3", "2.0", "-1", "0", "x"])
def test_attendance_set_with_a_day_that_is_not_plain_digits_is_refused_with_the_form(two_classes, day):
    world = two_classes
    answer = _say(world, "/attendance", f"set <@{A2}|abe> {day} full_day why", user=TL_A, channel=CLASS_A)
    assert "is not a day number" in answer and "/attendance set @agent DAY CODE reason" in answer
    assert _count(world, AttendanceCodeChoice) == 0


def test_an_oversized_attendance_reason_is_refused_with_the_limit(two_classes):
    world = two_classes
    answer = _say(world, "/attendance", f"set <@{A2}|abe> 1 full_day {'x' * 600}", user=TL_A, channel=CLASS_A)
    assert "the limit is 500" in answer
    assert _count(world, AttendanceCodeChoice) == 0


# -- the MIA buttons and the reason modal ---------------------------------------------------------
def _submit_reason(world, user, metadata, reason="Doorbell", view_id="V0MIA1"):
    before = len(world.slack.dms_to(user))
    reply = world.driver.submit_view(
        ids.VIEW_MIA_REASON,
        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": reason}}},
        user=user,
        private_metadata=metadata,
        view_id=view_id,
    )
    return view_answer(world, reply, user, before)


def test_a_tl_cannot_excuse_another_class_s_mia_by_button_or_by_form(two_classes):
    world = two_classes
    flag_id = mia_flag(world, B1)
    pressed = replies(world, world.driver.action(ids.ACTION_MIA_EXCUSE, str(flag_id), user=TL_A))
    assert pressed[0].startswith("Sorry, Bea One is in Class B")
    assert world.slack.calls("views.open") == []
    meta = json.dumps({"flag_id": flag_id, "decision": "excused"})
    assert _submit_reason(world, TL_A, meta).startswith("Sorry, Bea One is in Class B")
    assert _count(world, AttendanceFlag, AttendanceFlag.status != "open") == 0
    assert _submit_reason(world, TL_B, meta, view_id="V0MIA2") == ""  # no DM: the MIA card changes
    assert _count(world, AttendanceFlag, AttendanceFlag.status == "excused") == 1


def test_the_reason_modal_submitted_twice_writes_once(two_classes):
    world = two_classes
    meta = json.dumps({"flag_id": mia_flag(world, A2), "decision": "present"})
    first = _submit_reason(world, TL_A, meta, view_id="V0TWICE")
    second = _submit_reason(world, TL_A, meta, view_id="V0TWICE")
    assert first == second == ""  # the modal closes; the MIA card (not a DM) shows the decision
    assert _count(world, AuditEntry, AuditEntry.action == "attendance.flag.present") == 1
    # Another TL's later form is told who did it first, and changes nothing.
    again = _submit_reason(world, TL_A, meta, reason="Other reason", view_id="V0LATER")
    assert "already marked present Abe Two" in again
    assert _count(world, AuditEntry, AuditEntry.action.like("attendance.flag.%")) == 1


@pytest.mark.parametrize("value", ["abc", "1" * 20, "", "-3", "1.5"])
def test_a_forged_mia_button_value_is_answered_clearly(two_classes, value):
    world = two_classes
    [answer] = replies(world, world.driver.action(ids.ACTION_MIA_PRESENT, value, user=TL_A))
    assert answer == "That button or form is out of date; nothing changed."


@pytest.mark.parametrize(
    "metadata",
    [
        "abc",
        "null",
        "{not json",
        "1" * 20,
        json.dumps({"flag_id": "1" * 20, "decision": "excused"}),
        json.dumps({"flag_id": 1, "decision": "deleted"}),
        json.dumps({"flag_id": None, "decision": "excused"}),
    ],
)
def test_forged_reason_modal_metadata_is_answered_clearly_and_writes_nothing(two_classes, metadata):
    world = two_classes
    mia_flag(world, A2)
    answer = _submit_reason(world, TL_A, metadata)
    assert "out of date" in answer
    assert _count(world, AttendanceFlag, AttendanceFlag.status != "open") == 0


def test_an_oversized_mia_reason_is_refused_on_the_field(two_classes):
    world = two_classes
    meta = json.dumps({"flag_id": mia_flag(world, A2), "decision": "excused"})
    assert "the limit is 500" in _submit_reason(world, TL_A, meta, reason="y" * 501)
    assert _count(world, AttendanceFlag, AttendanceFlag.status != "open") == 0


# -- red flags ----------------------------------------------------------------------------------
def _submit_resolution(world, user, metadata, text="Cleared by the carrier", view_id="V0RF1"):
    before = len(world.slack.dms_to(user))
    reply = world.driver.submit_view(
        ids.VIEW_REDFLAG_RESOLVE,
        {ids.REDFLAG_RESOLUTION_BLOCK: {ids.FIELD_INPUT: {"value": text}}},
        user=user,
        private_metadata=metadata,
        view_id=view_id,
    )
    return reply, view_answer(world, reply, user, before)


def test_an_oversized_red_flag_is_refused_with_the_limit_and_an_old_one_still_renders(two_classes):
    world = two_classes
    answer = _say(world, "/redflag", f"<@{A2}|abe> {'z' * 1501}", user=TL_A, channel=CLASS_A)
    assert "the limit is 1,500" in answer
    assert _count(world, RedFlag) == 0
    # Stored before the caps: shown cut short wherever it appears (the stand-in refuses invalid blocks).
    flag_id = red_flag(world, A2, "w" * 5000)
    listed = _say(world, "/redflag", "list", user=TL_A, channel=CLASS_A)
    assert "w" * 1499 + "…" in listed and "w" * 1500 not in listed
    world.driver.action(ids.ACTION_REDFLAG_RESOLVE, str(flag_id), user=TL_A)
    [opened] = world.slack.calls("views.open")
    assert "…" in str(opened.args["view"])


def test_the_resolve_modal_submitted_twice_writes_once(two_classes):
    world = two_classes
    meta = json.dumps({"flag_id": red_flag(world, A2)})
    first, _ = _submit_resolution(world, PM_A, meta, view_id="V0TWICE")
    second, _ = _submit_resolution(world, PM_A, meta, view_id="V0TWICE")
    assert first.json() == {} and second.json() == {}
    assert _count(world, AuditEntry, AuditEntry.action == "red_flag.resolved") == 1
    assert len([n for n in world.slack.dms_to(ADMIN) if "resolved by Pat Alpha" in text_of(n)]) == 1


def test_another_class_s_tl_cannot_resolve_or_list_its_flags(two_classes):
    world = two_classes
    flag_id = red_flag(world, B1, "Only class B knows")
    pressed = replies(world, world.driver.action(ids.ACTION_REDFLAG_RESOLVE, str(flag_id), user=TL_A))
    assert pressed[0].startswith("Sorry, Bea One is in Class B")
    _, answer = _submit_resolution(world, TL_A, json.dumps({"flag_id": flag_id}))
    assert answer.startswith("Sorry, Bea One is in Class B")
    assert _count(world, RedFlag, RedFlag.resolved_at.is_not(None)) == 0
    assert _say(world, "/redflag", "list", user=TL_A, channel=CLASS_B).startswith("Sorry")
    assert "Only class B knows" not in _say(world, "/redflag", "list", user=TL_A, channel="D0SOMEDM")
    assert "Only class B knows" in _say(world, "/redflag", "list", user=ESP, channel="D0SOMEDM")


@pytest.mark.parametrize(
    "metadata", ["abc", "null", "{not json", "1" * 20, json.dumps({"flag_id": "1" * 20})]
)
def test_forged_resolve_metadata_is_answered_clearly_and_writes_nothing(two_classes, metadata):
    world = two_classes
    red_flag(world, A2)
    _, answer = _submit_resolution(world, PM_A, metadata)
    assert "out of date" in answer
    assert _count(world, RedFlag, RedFlag.resolved_at.is_not(None)) == 0


@pytest.mark.parametrize("value", ["abc", "1" * 20, ""])
def test_a_forged_resolve_button_value_is_answered_clearly(two_classes, value):
    [answer] = replies(two_classes, two_classes.driver.action(ids.ACTION_REDFLAG_RESOLVE, value, user=PM_A))
    assert answer == "That button or form is out of date; nothing changed."


def test_an_oversized_resolution_is_refused_on_the_field(two_classes):
    world = two_classes
    reply, answer = _submit_resolution(
        world, PM_A, json.dumps({"flag_id": red_flag(world, A2)}), text="r" * 501
    )
    assert reply.json()["errors"][ids.REDFLAG_RESOLUTION_BLOCK].startswith("The resolution is 501 characters")
    assert _count(world, RedFlag, RedFlag.resolved_at.is_not(None)) == 0


# -- the help queue -----------------------------------------------------------------------------
def _submit_claim(world, user, metadata, room="3", view_id="V0HQ1"):
    before = len(world.slack.dms_to(user))
    reply = world.driver.submit_view(
        ids.VIEW_HELP_CLAIM,
        {ids.HELP_ROOM_BLOCK: {ids.FIELD_INPUT: {"value": room}}},
        user=user,
        private_metadata=metadata,
        view_id=view_id,
    )
    return reply, view_answer(world, reply, user, before)


def test_the_claim_modal_submitted_twice_writes_once_and_dms_the_agent_once(two_classes):
    world = two_classes
    meta = json.dumps({"request_id": help_request(world, A2)})
    first, _ = _submit_claim(world, TL_A, meta, view_id="V0TWICE")
    second, _ = _submit_claim(world, TL_A, meta, view_id="V0TWICE")
    assert first.body == "" and second.body == ""
    assert _count(world, AuditEntry, AuditEntry.action == "help.claimed") == 1
    assert len(world.slack.dms_to(A2)) == 1


def test_another_class_s_tl_cannot_claim_resolve_or_read_its_queue(two_classes):
    world = two_classes
    request_id = help_request(world, B1)
    for action_id in (ids.ACTION_HELP_CLAIM, ids.ACTION_HELP_RESOLVE):
        [answer] = replies(world, world.driver.action(action_id, str(request_id), user=TL_A))
        assert answer.startswith("Sorry, Bea One is in Class B") and "\n" not in answer
    _, answer = _submit_claim(world, TL_A, json.dumps({"request_id": request_id}))
    assert "Bea One is in Class B" in answer
    assert _count(world, HelpRequest, HelpRequest.status != "waiting") == 0
    assert _say(world, "/needhelp", "", user=TL_A, channel=CLASS_B).startswith("Sorry")
    assert "Bea One" not in _say(world, "/needhelp", "", user=TL_A, channel="D0SOMEDM")
    assert "Bea One" in _say(world, "/needhelp", "", user=TL_B, channel="D0SOMEDM")


@pytest.mark.parametrize(
    "metadata", ["abc", "null", "{not json", "1" * 20, json.dumps({"request_id": "1" * 20})]
)
def test_forged_claim_metadata_is_answered_clearly_and_writes_nothing(two_classes, metadata):
    world = two_classes
    help_request(world, A2)
    _, answer = _submit_claim(world, TL_A, metadata)
    assert "out of date" in answer
    assert _count(world, HelpRequest, HelpRequest.status != "waiting") == 0


@pytest.mark.parametrize("room", ["²", "1e1", "3.0", "-3", "51"])
def test_a_room_that_is_not_plain_digits_in_range_is_refused(two_classes, room):
    world = two_classes
    reply, _ = _submit_claim(world, TL_A, json.dumps({"request_id": help_request(world, A2)}), room=room)
    assert reply.json()["errors"][ids.HELP_ROOM_BLOCK] == "Type a breakout room number from 1 to 50."
    assert _count(world, HelpRequest, HelpRequest.status != "waiting") == 0


@pytest.mark.parametrize("action_id", [ids.ACTION_HELP_CLAIM, ids.ACTION_HELP_RESOLVE])
@pytest.mark.parametrize("value", ["abc", "1" * 20, ""])
def test_a_forged_help_button_value_is_answered_clearly(two_classes, action_id, value):
    [answer] = replies(two_classes, two_classes.driver.action(action_id, value, user=TL_A))
    assert answer == "That button or form is out of date; nothing changed."


def test_an_oversized_help_topic_is_refused_with_the_limit(two_classes):
    world = two_classes
    for command in ("/needhelp", "/techissue"):
        answer = _say(world, command, "q" * 501, user=A2, channel=CLASS_A)
        assert "the limit is 500" in answer
    assert _count(world, HelpRequest) == 0
    # A forged Still stuck value carrying more is cut to the cap.
    value = json.dumps({"t": "", "q": "q" * 5000})
    world.driver.action(ids.ACTION_HELP_STILL_STUCK, value, user=A2)
    with world.ctx.db.session() as session:
        [text] = session.scalars(select(HelpRequest.text))
    assert len(text) == 500 and text.endswith("…")


# -- App Home -----------------------------------------------------------------------------------
def test_home_shows_only_one_s_own_classes_and_old_oversized_text_renders(two_classes):
    world = two_classes
    for _ in range(3):
        red_flag(world, A2, "v" * 5000)
    red_flag(world, B1, "Only class B knows")
    for user in (TL_A, ESP, ADMIN):
        world.driver.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    published = {c.args["user_id"]: text_of(c.args["view"]) for c in world.slack.calls("views.publish")}
    assert "Only class B knows" not in published[TL_A] and "v" * 200 in published[TL_A]
    assert "Only class B knows" in published[ESP] and "Only class B knows" in published[ADMIN]
    # (the stand-in refuses any view Slack would refuse: the autouse fixture checks)


def test_tl_and_pm_clearing_one_mia_at_the_same_moment_write_once(two_classes):
    world = two_classes
    meta = json.dumps({"flag_id": mia_flag(world, A2), "decision": "excused"})
    sent = [
        world.driver.submit_view(
            ids.VIEW_MIA_REASON,
            {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": f"Reason {n}"}}},
            user=TL_A if n % 2 else PM_A,
            private_metadata=meta,
            settle=False,
        )
        for n in range(4)
    ]
    world.settle()
    refused = [r for r in sent if r.body and "already excused Abe Two" in str(r.json())]
    assert len(refused) == 3
    assert _count(world, AuditEntry, AuditEntry.action == "attendance.flag.excused") == 1
