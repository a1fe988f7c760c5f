"""In the accountability area, as an insider would try it: the TL of class A acting on an
agent of class B, double submissions, oversized text and forged buttons or metadata."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.core import people
from bot.esp_tracker import service as esp
from bot.slack import ids
from db.models import AuditEntry, CertAttempt, Coaching, EspItem, FormSubmission, ProgressMark, TimeframeFlag
from tests.helpers import reached, replies, text_of
from tests.kernel.access_cases.base import A1, A2, B1, CLASS_A, CLASS_B, PM_A, PM_B, TL_A, TL_B, build


@pytest.fixture
def classes(world):
    build(world)
    return world


def _answer(world, reply) -> str:
    found = replies(world, reply)
    return found[-1] if found else ""


def _count(world, model) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _coach_values(incident="Talked over the trainer", level="verbal", skip=None, expectation=None):
    return {
        ids.COACH_POLICY_BLOCK: {
            ids.FIELD_INPUT: {"type": "static_select", "selected_option": {"value": "conduct"}}
        },
        ids.COACH_LEVEL_BLOCK: {
            ids.FIELD_INPUT: {"type": "static_select", "selected_option": {"value": level}}
        },
        ids.COACH_INCIDENT_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": incident}},
        ids.COACH_EXPECTATION_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": expectation}},
        ids.COACH_SKIP_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": skip}},
    }


# -- coaching ---------------------------------------------------------------------------------------
def test_the_tl_of_class_a_cannot_coach_or_read_an_agent_of_class_b(classes):
    world = classes
    typed = _answer(
        world, world.driver.command("/coach", f"<@{B1}|b> conduct verbal Rude", user=TL_A, channel=CLASS_B)
    )
    assert typed.startswith("Sorry, Bea One is in Class B") and "\n" not in typed
    world.driver.command("/coach", f"<@{B1}|b>", user=TL_A, channel=CLASS_B)
    assert world.slack.calls("views.open") == []
    button = json.dumps({"agent": B1, "policy": "conduct", "level": "final"})
    opened = _answer(world, world.driver.action(ids.ACTION_COACH_OPEN, button, user=TL_A, channel=CLASS_A))
    assert opened.startswith("Sorry") and world.slack.calls("views.open") == []
    body = world.driver.submit_view(
        ids.VIEW_COACH, _coach_values(), user=TL_A, private_metadata=json.dumps({"agent": B1})
    ).json()
    assert body["response_action"] == "errors"
    assert body["errors"][ids.COACH_INCIDENT_BLOCK].startswith("Sorry, Bea One is in Class B")
    assert _count(world, Coaching) == 0

    # B's own TL writes one; A's TL cannot read it, nor can a classmate.
    world.driver.command(
        "/coach", f"<@{B1}|b> conduct verbal Rude to a classmate", user=TL_B, channel=CLASS_B
    )
    assert _count(world, Coaching) == 1
    history = _answer(world, world.driver.command("/coaching", f"<@{B1}|b>", user=TL_A, channel=CLASS_B))
    assert history.startswith("Sorry") and "Rude" not in history
    classmate = _answer(world, world.driver.command("/coaching", f"<@{A2}|a>", user=A1, channel=CLASS_A))
    assert classmate.startswith("Sorry, Abe Two's records are private")
    own = _answer(world, world.driver.command("/coaching", "", user=B1, channel=CLASS_B))
    assert "Rude to a classmate" in own


def test_the_same_coaching_form_submitted_twice_writes_once_and_sends_one_cap(classes):
    world = classes
    world.driver.command("/coach", f"<@{A1}|a> conduct verbal First", user=TL_A, channel=CLASS_A)
    metadata = json.dumps({"agent": A1})
    for _ in range(2):
        reply = world.driver.submit_view(
            ids.VIEW_COACH,
            _coach_values("Second", level="written"),
            user=TL_A,
            private_metadata=metadata,
            view_id="V0COACH1",
        )
        assert reply.body == ""
    assert _count(world, Coaching) == 2
    caps = [m for m in world.slack.dms_to(TL_A) if "Corrective Action Plan" in text_of(m)]
    assert len(caps) == 1
    # Both submissions were answered with the saved coaching.
    saved = [m for m in world.slack.dms_to(TL_A) if "Saved: *Written CAP*" in text_of(m)]
    assert len(saved) == 2


def test_oversized_coaching_text_is_refused_with_the_limit_on_its_field(classes):
    world = classes
    metadata = json.dumps({"agent": A1})
    body = world.driver.submit_view(
        ids.VIEW_COACH, _coach_values("x" * 1501), user=TL_A, private_metadata=metadata
    ).json()
    assert "the limit is 1,500" in body["errors"][ids.COACH_INCIDENT_BLOCK]
    body = world.driver.submit_view(
        ids.VIEW_COACH, _coach_values(expectation="y" * 1001), user=TL_A, private_metadata=metadata
    ).json()
    assert "the limit is 1,000" in body["errors"][ids.COACH_EXPECTATION_BLOCK]
    body = world.driver.submit_view(
        ids.VIEW_COACH, _coach_values(level="final", skip="z" * 501), user=TL_A, private_metadata=metadata
    ).json()
    assert "the limit is 500" in body["errors"][ids.COACH_SKIP_BLOCK]
    typed = _answer(
        world,
        world.driver.command("/coach", f"<@{A1}|a> conduct verbal {'w' * 1600}", user=TL_A, channel=CLASS_A),
    )
    assert "the limit is 1,500" in typed and "Nothing was saved" in typed
    assert _count(world, Coaching) == 0


def test_a_5000_character_incident_stored_earlier_still_shows_in_coaching(classes):
    world = classes
    with world.ctx.db.session() as session:
        agent = people.require_person(session, A1)
        tl = people.require_person(session, TL_A)
        for i in range(60):  # more than a message's 50 blocks, too
            session.add(
                Coaching(
                    person_id=agent.id,
                    cohort_id=None,
                    policy="conduct",
                    level="verbal",
                    proposed_level="verbal",
                    incident=f"{i} " + "x" * 5000,
                    expectation="Be kind",
                    links=[],
                    coached_by_id=tl.id,
                    created_at=world.clock.now(),
                )
            )
    reply = world.driver.command("/coaching", f"<@{A1}|a>", user=TL_A, channel=CLASS_A)
    [shown] = replies(world, reply)
    assert "Coaching history: Ann One" in shown and "xxx…" in shown and "older coaching(s) not shown" in shown


@pytest.mark.parametrize(
    "value", ["abc", "null", "12345678901234567890", "{not json", json.dumps({"agent": 5})]
)
def test_a_forged_coach_button_is_answered_plainly(classes, value):
    world = classes
    reply = world.driver.action(ids.ACTION_COACH_OPEN, value, user=TL_A, channel=CLASS_A)
    assert reply.status == 200
    assert "out of date" in _answer(world, reply)
    assert world.slack.calls("views.open") == []


@pytest.mark.parametrize(
    "metadata", ["abc", "null", "12345678901234567890", "{not json", json.dumps({"agent": 5})]
)
def test_forged_coach_form_metadata_is_answered_plainly(classes, metadata):
    world = classes
    reply = world.driver.submit_view(ids.VIEW_COACH, _coach_values(), user=TL_A, private_metadata=metadata)
    assert reply.status == 200
    assert "out of date" in reply.json()["errors"][ids.COACH_INCIDENT_BLOCK]
    assert _count(world, Coaching) == 0


# -- progress ---------------------------------------------------------------------------------------
def _audits(world, action: str) -> int:
    with world.ctx.db.session() as session:
        return int(
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
            or 0
        )


def test_the_tl_of_class_a_cannot_set_excuse_or_see_the_progress_of_class_b(classes):
    world = classes
    for text in (f"<@{B1}|b> ahip 3", f"<@{B1}|b> excuse Arrived late"):
        answer = _answer(world, world.driver.command("/progress", text, user=TL_A, channel=CLASS_B))
        assert answer.startswith("Sorry, Bea One is in Class B") and "\n" not in answer
    for text in ("", "class"):
        answer = _answer(world, world.driver.command("/progress", text, user=TL_A, channel=CLASS_B))
        assert answer.startswith("Sorry, that is Class B") and "Bea One" not in answer
    agent = _answer(world, world.driver.command("/progress", "class", user=A1, channel=CLASS_A))
    assert agent.startswith("Sorry, only") and "Abe Two" not in agent
    assert _count(world, ProgressMark) == 0 and _count(world, TimeframeFlag) == 0
    assert "Abe Two" in _answer(world, world.driver.command("/progress", "", user=TL_A, channel=CLASS_A))


@pytest.mark.parametrize("step", ["3.5", "²", "1e3", "３"])
def test_progress_steps_are_parsed_strictly(classes, step):
    world = classes
    answer = _answer(world, world.driver.command("/progress", f"ahip {step}", user=A1, channel=CLASS_A))
    assert "is not a AHIP step. Use one of: `1`, `2`" in answer
    assert _count(world, ProgressMark) == 0
    assert "finished *AHIP module 3*" in _answer(
        world, world.driver.command("/progress", "ahip 3", user=A1, channel=CLASS_A)
    )


def test_an_oversized_excuse_is_refused_with_the_limit(classes):
    world = classes
    answer = _answer(
        world, world.driver.command("/progress", f"<@{A2}|a> excuse {'r' * 600}", user=TL_A, channel=CLASS_A)
    )
    assert "the limit is 500" in answer
    assert _count(world, TimeframeFlag) == 0


def test_the_progress_form_submitted_twice_writes_once(classes):
    world = classes
    values = {
        ids.PROGRESS_STEP_BLOCK: {
            ids.FIELD_INPUT: {"type": "static_select", "selected_option": {"value": "ahip 2"}}
        }
    }
    for _ in range(2):
        assert world.driver.submit_view(ids.VIEW_PROGRESS, values, user=A1, view_id="V0PROG1").body == ""
    assert _audits(world, "progress.reported") == 1
    forged = {ids.PROGRESS_STEP_BLOCK: {ids.FIELD_INPUT: {"type": "static_select", "selected_option": None}}}
    body = world.driver.submit_view(ids.VIEW_PROGRESS, forged, user=A1).json()
    assert body["errors"][ids.PROGRESS_STEP_BLOCK] == "Pick what you finished."


# -- the ESP tracker --------------------------------------------------------------------------------
def test_the_tl_of_class_a_cannot_update_or_read_the_tracker_of_class_b(classes):
    world = classes
    world.driver.command(
        "/redflag", f"<@{B1}|b> release Needs a release for a 2019 finding", user=TL_B, channel=CLASS_B
    )
    update = _answer(
        world, world.driver.command("/esp", f"<@{B1}|b> equipment=complete", user=TL_A, channel=CLASS_B)
    )
    assert update.startswith("Sorry, Bea One is in Class B") and "\n" not in update
    assert _count(world, EspItem) == 0
    for text in (f"<@{B1}|b>", "", "class"):
        shown = _answer(world, world.driver.command("/esp", text, user=TL_A, channel=CLASS_B))
        assert shown.startswith("Sorry") and "\n" not in shown
        assert "2019 finding" not in shown and "ESP tracker:" not in shown
    classmate = _answer(world, world.driver.command("/esp", f"<@{A2}|a>", user=A1, channel=CLASS_A))
    assert classmate.startswith("Sorry, Abe Two's records are private")
    own = _answer(world, world.driver.command("/esp", "", user=B1, channel=CLASS_B))
    assert "ESP tracker: Bea One" in own and "2019 finding" in own
    assert "2019 finding" in _answer(
        world, world.driver.command("/esp", f"<@{B1}|b>", user=TL_B, channel=CLASS_B)
    )


def test_a_failed_esp_complete_dm_does_not_ask_to_try_again(classes):
    world = classes
    world.driver.command(
        "/esp",
        f"<@{A1}|a> ahip=complete aetna=complete tbt=complete callcert=complete equipment=complete",
        user=TL_A,
        channel=CLASS_A,
    )
    world.slack.fail("chat.postMessage", error="channel_not_found")  # the first DM: the PM's
    answer = _answer(
        world, world.driver.command("/esp", f"<@{A1}|a> rts=complete", user=TL_A, channel=CLASS_A)
    )
    assert "Updated: RTS/No More Forms complete." in answer
    assert f"could not reach <@{PM_A}>" in answer and "try again" not in answer.replace("keep trying", "")
    with world.ctx.db.session() as session:
        agent = people.require_person(session, A1)
        assert esp.is_complete(session, agent.id)


# -- the tracking forms -----------------------------------------------------------------------------
def _form_values(agent=A1, n_number="N1000001", notes="Ran out of time", carrier="aetna"):
    return {
        ids.FORM_AGENT_BLOCK: {ids.FIELD_INPUT: {"type": "users_select", "selected_user": agent}},
        ids.FORM_NNUMBER_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": n_number}},
        ids.FORM_CARRIER_BLOCK: {
            ids.FIELD_INPUT: {"type": "static_select", "selected_option": {"value": carrier}}
        },
        ids.FORM_DATE_BLOCK: {ids.FIELD_INPUT: {"type": "datepicker", "selected_date": "2026-11-26"}},
        ids.FORM_SCORE_BLOCK: {ids.FIELD_INPUT: {"type": "number_input", "value": "61"}},
        ids.FORM_NOTES_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": notes}},
    }


def test_the_tl_of_class_a_cannot_open_or_submit_forms_for_class_b(classes):
    world = classes
    picker = _answer(world, world.driver.command("/forms", f"<@{B1}|b>", user=TL_A, channel=CLASS_B))
    assert picker.startswith("Sorry, Bea One is in Class B")
    world.driver.command("/forms", f"failedcert <@{B1}|b>", user=TL_A, channel=CLASS_B)
    opened = _answer(world, world.driver.action(ids.ACTION_FORM_OPEN["tbt"], B1, user=TL_A, channel=CLASS_B))
    assert opened.startswith("Sorry, Bea One is in Class B")
    assert world.slack.calls("views.open") == []
    body = world.driver.submit_view(
        ids.VIEW_FORMS["failedcert"], _form_values(agent=B1, n_number="N2000001"), user=TL_A
    ).json()
    assert body["errors"][ids.FORM_AGENT_BLOCK].startswith("Sorry, Bea One is in Class B")
    assert _count(world, FormSubmission) == 0 and _count(world, CertAttempt) == 0
    assert world.slack.dms_to(PM_B) == [] and world.slack.dms_to(TL_B) == []


def test_the_failed_exam_form_submitted_twice_records_one_attempt_and_one_dm_each(classes):
    world = classes
    for _ in range(2):
        reply = world.driver.submit_view(
            ids.VIEW_FORMS["failedcert"], _form_values(), user=TL_A, view_id="V0FAILFORM1"
        )
        assert reply.body == ""
    assert _count(world, FormSubmission) == 1 and _count(world, CertAttempt) == 1
    pm = [text_of(m) for m in reached(world, PM_A) if "failed the Aetna exam" in text_of(m)]
    assert len(pm) == 1
    saved = [m for m in reached(world, TL_A) if "Failed Carrier Cert Exams* saved" in text_of(m)]
    assert len(saved) == 1  # one line in the TL's digest: the repeated submission sends nothing
    assert not [m for m in world.slack.dms_to(TL_A) if "failed the Aetna exam" in text_of(m)]


def test_oversized_form_notes_are_refused_with_the_limit_on_the_field(classes):
    world = classes
    body = world.driver.submit_view(
        ids.VIEW_FORMS["failedcert"], _form_values(notes="n" * 501), user=TL_A
    ).json()
    assert "the limit is 500" in body["errors"][ids.FORM_NOTES_BLOCK]
    assert _count(world, FormSubmission) == 0 and _count(world, CertAttempt) == 0


@pytest.mark.parametrize("value", ["abc", "12345678901234567890", "null", "<@U0AGA0001>"])
def test_a_forged_form_button_is_answered_plainly(classes, value):
    world = classes
    reply = world.driver.action(ids.ACTION_FORM_OPEN["tbt"], value, user=TL_A, channel=CLASS_A)
    assert reply.status == 200
    assert "out of date" in _answer(world, reply) or "not an agent I know" in _answer(world, reply)
    assert world.slack.calls("views.open") == []
