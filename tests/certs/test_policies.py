"""The real policies as data: a class on a playbook with UHC at 6 attempts and TBT
courses, attempts counted per calendar year in the cohort's timezone, and Call Cert scoring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.config.settings import SHIPPED_PLAYBOOK
from bot.core import budget, people
from bot.esp_tracker import service as esp
from bot.reports import tracker_export as tracker_sheet
from bot.slack import ids
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
from db.models import CertAttempt
from tests.conftest import AGENTS, DEFAULT_START, STAFF, _empty
from tests.helpers import (
    ANA,
    BEN,
    CLASS,
    PM,
    TL,
    import_cohort,
    notices_to,
    reached,
    replies,
    shipped_playbook,
    text_of,
)

CHI = ZoneInfo("America/Chicago")
UHC_PLAYBOOK = SHIPPED_PLAYBOOK.with_name("samples") / "playbook_uhc.yml"


@pytest.fixture
def uhc_world(database_url: str, standin: SlackStandIn) -> Iterator[World]:
    """A World whose team runs the UHC sample playbook."""
    standin.reset()
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    w = World(database_url, start=DEFAULT_START, standin=standin, migrate=False, playbook=UHC_PLAYBOOK)
    try:
        yield w
    finally:
        w.close()
        _empty(database_url)


def _failcert(world: World, text: str, user: str = TL) -> str:
    [answer] = replies(world, world.driver.command("/failcert", text, user=user, channel=CLASS))
    return answer


def test_uhc_follows_its_own_six_step_ladder_and_the_block_lifts_on_january_first(uhc_world):
    world = uhc_world
    import_cohort(world)
    # The last fails come late on New Year's Eve in Chicago: already 2027 in UTC, still 2026 here.
    world.clock.set(datetime(2026, 12, 31, 23, 0, tzinfo=CHI))
    answers = [_failcert(world, f"<@{ANA}|ana> uhc {60 + n}") for n in range(1, 7)]

    assert "1st of 6 attempts" in answers[0] and "Proposed coaching: *Verbal coaching*" in answers[0]
    assert "2nd of 6" in answers[1] and "proctored" not in answers[1]
    assert "Proposed coaching: *Verbal coaching*" in answers[1]
    assert "3rd of 6" in answers[2] and "Proposed coaching: *Written CAP*" in answers[2]
    assert "4th of 6" in answers[3] and "Proposed coaching: *Final CAP*" in answers[3]
    assert "Possible termination" in answers[4] and "Proposed coaching: *Term*" in answers[4]
    assert "The next UHC attempt (the last) must be proctored" in answers[4]
    assert "No appointment with UHC this year" in answers[5]
    assert "blocked for UHC until Jan 1, 2027" in answers[5]
    assert all("proctored" not in a for i, a in enumerate(answers) if i != 4)

    refused = _failcert(world, f"<@{ANA}|ana> uhc 70")
    assert "blocked for UHC until Jan 1, 2027" in refused and "Nothing was recorded" in refused
    # AHIP keeps the shared ladder at 3 on the same playbook.
    ahip = _failcert(world, f"<@{ANA}|ana> ahip 60")
    assert "1st of 3 attempts" in ahip
    # Failed exams fold into the PM's digest: it reaches them after lunch on New Year's Day.
    assert any("6th of 6 attempts" in text_of(m) for m in reached(world, PM))

    # Just past midnight in Chicago the new year's attempts start again.
    world.clock.set(datetime(2027, 1, 1, 0, 5, tzinfo=CHI))
    fresh = _failcert(world, f"<@{ANA}|ana> uhc 71")
    assert "1st of 6 attempts" in fresh
    with world.ctx.db.session() as session:
        rows = session.scalars(select(CertAttempt).where(CertAttempt.carrier_key == "uhc")).all()
        assert sorted((a.year, a.attempt_no) for a in rows) == [(2026, n) for n in range(1, 7)] + [(2027, 1)]


def test_a_tbt_course_is_an_exam_of_its_own_that_moves_the_tbt_item(uhc_world):
    world = uhc_world
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=CHI))
    world.driver.command("/failcert", "", user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    offered = [o["text"]["text"] for b in view["blocks"] for o in b.get("element", {}).get("options", [])]
    assert "UHC" in offered and "TBT Compliance" in offered

    answers = [_failcert(world, f"<@{BEN}|ben> tbt_compliance {50 + n}") for n in range(3)]
    assert "1st of 3 attempts" in answers[0]
    assert "blocked for TBT Compliance until Jan 1, 2027" in answers[2]
    with world.ctx.db.session() as session:
        ben = people.by_slack_id(session, BEN)
        assert esp.status_of(session, ben.id, "tbt") == esp.BLOCKED
        assert esp.status_of(session, ben.id, "ahip") == esp.NOT_STARTED
    # The other course counts on its own.
    assert "1st of 3 attempts" in _failcert(world, f"<@{BEN}|ben> tbt_systems 40")


def test_the_shipped_playbook_keeps_ahip_and_aetna_at_three():
    assert [(c.key, c.attempts) for c in shipped_playbook().exams] == [("ahip", 3), ("aetna", 3)]


# -- Call Certification scoring ---------------------------------------------------------------------
def _callcert(world: World, scores: list[str], view_id: str, evaluators: list[str] | None = None):
    def v(text):
        return {ids.FIELD_INPUT: {"type": "plain_text_input", "value": text}}

    values = {
        ids.FORM_AGENT_BLOCK: {ids.FIELD_INPUT: {"type": "users_select", "selected_user": ANA}},
        ids.FORM_NNUMBER_BLOCK: v("N1234567"),
        ids.FORM_DATE_BLOCK: {ids.FIELD_INPUT: {"type": "datepicker", "selected_date": "2026-12-03"}},
    }
    for n in range(1, 6):
        values[ids.FORM_CALL_EVALUATOR_BLOCKS[n - 1]] = v((evaluators or ["Quinn QA"] * 5)[n - 1])
        if n > 1:
            values[ids.FORM_CALL_SCORE_BLOCKS[n - 1]] = v(scores[n - 2])
    return world.driver.submit_view(ids.VIEW_FORMS["callcert"], values, user=TL, view_id=view_id)


def _callcert_status(world):
    with world.ctx.db.session() as session:
        return esp.status_of(session, people.by_slack_id(session, ANA).id, "callcert")


def test_four_of_five_calls_at_85_complete_the_call_cert_and_name_the_scorecard(world):
    cohort_id = import_cohort(world)
    world.clock.set(datetime(2026, 12, 3, 15, 0, tzinfo=CHI))
    world.driver.command("/forms", f"callcert <@{ANA}|ana>", user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert "Call 2 (PDP) score" in labels and "Call 5 (MAPD) score" in labels
    assert "Call 1 (PDP) score" not in labels  # coached live: it counts as 100
    assert any("coached live and counts as 100" in text_of({"blocks": [b]}) for b in view["blocks"])

    # Call 1 (live) + calls 2, 3 and 5 pass; call 4 at 84 does not: 4 of 5, 80%.
    assert _callcert(world, ["85", "92", "84", "90"], "V0CALL1").body == ""
    assert _callcert_status(world) == esp.COMPLETE
    [confirmation] = [text_of(m) for m in notices_to(world, TL) if "Call Certification" in text_of(m)]
    assert "4 of 5 calls at 85% or more (pass rate 80%)" in confirmation
    assert "Ruiz_Ana_80%" in confirmation
    with world.ctx.db.session() as session:
        table = tracker_sheet.rows(session, cohort_id, world.ctx.playbook, world.clock.now())
    ana = dict(zip(table[0], next(r for r in table if r[0] == "Ana Ruiz"), strict=True))
    assert ana["Call Cert pass rate"] == "80%" and ana["Call Cert"] == "complete"

    # 3 of 5 (60%) is a fail: the item is blocked.
    assert _callcert(world, ["85", "60", "84", "90"], "V0CALL2").body == ""
    assert _callcert_status(world) == esp.BLOCKED
    assert "Ruiz_Ana_60%" in text_of(notices_to(world, TL)[-1])


@pytest.mark.parametrize("bad", ["٨٥", "85.5", "101", "-3", "8 5", "", "1e2"])
def test_call_scores_are_parsed_strictly_and_nothing_is_written(world, bad):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 3, 15, 0, tzinfo=CHI))
    body = _callcert(world, ["90", bad, "90", "90"], "V0BAD").json()
    assert "call 3" in body["errors"][ids.FORM_CALL_SCORE_BLOCKS[2]].lower()
    assert _callcert_status(world) == esp.NOT_STARTED


def test_a_call_without_its_evaluator_is_named(world):
    import_cohort(world)
    body = _callcert(
        world, ["90"] * 4, "V0NOEVAL", evaluators=["Quinn", "Quinn", "", "Quinn", "Quinn"]
    ).json()
    assert "call 3" in body["errors"][ids.FORM_CALL_EVALUATOR_BLOCKS[2]]
    assert _callcert_status(world) == esp.NOT_STARTED


# -- The AHIP clock ---------------------------------------------------------------------------------
def _clock_dms(world, agent_name=None):
    found = [m for m in notices_to(world, TL) if "training hours on AHIP" in text_of(m)]
    return [m for m in found if agent_name is None or agent_name in text_of(m)]


def test_the_ahip_clock_proposes_each_step_at_24_28_32_36_training_hours(world):
    from tests.helpers import CHLOE

    import_cohort(world)
    world.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
    world.driver.command("/progress", "ahip final", user=ANA, channel=CLASS)  # Ana is done: no clock
    # 3 days of 8 training hours: the 24th hour ends on Thursday at 5 PM, not a minute earlier.
    world.advance_to(datetime(2026, 12, 3, 16, 59, tzinfo=CHI))
    assert _clock_dms(world) == []
    world.advance_to(datetime(2026, 12, 3, 17, 1, tzinfo=CHI))
    assert [len(_clock_dms(world, n)) for n in ("Ana Ruiz", "Ben Okafor", "Chloe Martin")] == [0, 1, 1]
    first = text_of(_clock_dms(world, "Ben Okafor")[0])
    assert "24 training hours" in first and "Proposed: *Verbal coaching*" in first

    # The button opens the coaching form filled in with the proposed step.
    button = next(
        e
        for b in _clock_dms(world, "Ben Okafor")[0]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )
    world.driver.action(button["action_id"], button["value"], user=TL)
    form = world.slack.calls("views.open")[-1].args["view"]
    assert form["callback_id"] == "coach_modal"
    assert "Still not done with AHIP after 24 training hours" in str(form)

    # Chloe's N-Number came late: the TL pauses her clock on Friday morning, resumes on Monday.
    world.advance_to(datetime(2026, 12, 4, 8, 0, tzinfo=CHI))
    [paused] = replies(
        world,
        world.driver.command(
            "/progress", f"<@{CHLOE}|chloe> pause N-Number arrived on day 2", user=TL, channel=CLASS
        ),
    )
    assert "paused at 24 training hours" in paused and "N-Number arrived on day 2" in paused

    # Friday: 2 h, break, 1.75 h, lunch, 0.25 h -> the 28th hour at 12:45; the 32nd at 5 PM.
    world.advance_to(datetime(2026, 12, 4, 12, 44, tzinfo=CHI))
    assert len(_clock_dms(world, "Ben Okafor")) == 1
    world.advance_to(datetime(2026, 12, 4, 12, 46, tzinfo=CHI))
    assert "Proposed: *Written CAP*" in text_of(_clock_dms(world, "Ben Okafor")[-1])
    world.advance_to(datetime(2026, 12, 4, 17, 1, tzinfo=CHI))
    assert "Proposed: *Final CAP*" in text_of(_clock_dms(world, "Ben Okafor")[-1])
    assert len(_clock_dms(world, "Chloe Martin")) == 1  # paused all Friday

    world.advance_to(datetime(2026, 12, 7, 8, 0, tzinfo=CHI))  # the weekend counts nothing
    [resumed] = replies(
        world, world.driver.command("/progress", f"<@{CHLOE}|chloe> resume", user=TL, channel=CLASS)
    )
    assert "runs again from 24 training hours" in resumed
    world.advance_to(datetime(2026, 12, 7, 12, 46, tzinfo=CHI))
    assert "36 training hours" in text_of(_clock_dms(world, "Ben Okafor")[-1])
    assert "Proposed: *Term*" in text_of(_clock_dms(world, "Ben Okafor")[-1])
    assert "28 training hours" in text_of(_clock_dms(world, "Chloe Martin")[-1])
    assert [len(_clock_dms(world, n)) for n in ("Ben Okafor", "Chloe Martin")] == [4, 2]  # once per mark


def test_pausing_the_clock_needs_a_tl_and_a_reason(world):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
    [agent] = replies(
        world, world.driver.command("/progress", f"<@{BEN}|ben> pause sick", user=ANA, channel=CLASS)
    )
    assert agent.startswith("Sorry")
    [no_reason] = replies(
        world, world.driver.command("/progress", f"<@{BEN}|ben> pause", user=TL, channel=CLASS)
    )
    assert "Give the reason" in no_reason
    [not_paused] = replies(
        world, world.driver.command("/progress", f"<@{BEN}|ben> resume", user=TL, channel=CLASS)
    )
    assert "is not paused" in not_paused
    world.driver.command("/progress", f"<@{BEN}|ben> pause VPN outage", user=TL, channel=CLASS)
    [twice] = replies(
        world, world.driver.command("/progress", f"<@{BEN}|ben> pause again", user=TL, channel=CLASS)
    )
    assert "already paused (VPN outage)" in twice


# -- The Final CAP's catch-up -----------------------------------------------------------------------
def _catchup_values(sessions):
    values = {}
    for n, (day, start) in enumerate(sessions, start=1):
        values[ids.CATCHUP_DATE_BLOCKS[n - 1]] = {
            ids.FIELD_INPUT: {"type": "datepicker", "selected_date": day}
        }
        values[ids.CATCHUP_TIME_BLOCKS[n - 1]] = {
            ids.FIELD_INPUT: {"type": "timepicker", "selected_time": start}
        }
    return values


def test_the_final_cap_catch_up_is_scheduled_and_flags_the_unfinished_agent_once_at_its_end(world):
    import json

    from tests.helpers import CHLOE

    import_cohort(world)
    world.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
    for agent in (ANA, CHLOE):
        world.driver.command("/progress", "ahip final", user=agent, channel=CLASS)
        world.driver.command("/progress", "aetna done", user=agent, channel=CLASS)
    # The TL and the PM chose to hear of timeframe flags at once rather than in their digest.
    with world.ctx.db.session() as session:
        for who in (TL, PM):
            budget.save_preference(
                session,
                who,
                modes={"timeframe_flag": "immediate", "catchup_end": "immediate"},
                moments=None,
                quiet=None,
                now=world.clock.now(),
            )
    world.advance_to(datetime(2026, 12, 3, 17, 45, tzinfo=CHI))  # the window closed: Ben is flagged

    [flag] = [m for m in notices_to(world, TL) if "has not finished inside" in text_of(m)]
    assert "Ben Okafor" in text_of(flag)
    assert "not finishing within another 8 hours may mean termination" in text_of(flag)
    assert "3 catch-up sessions of 3 hours" in text_of(flag)
    [pm_flag] = [m for m in notices_to(world, PM) if "has not finished inside" in text_of(m)]
    assert "another 8 hours" in text_of(pm_flag)

    button = next(e for b in flag["blocks"] if b["type"] == "actions" for e in b["elements"])
    world.driver.action(button["action_id"], button["value"], user=TL)
    form = world.slack.calls("views.open")[-1].args["view"]
    assert form["callback_id"] == ids.VIEW_CATCHUP
    proposed = [
        (b["element"].get("initial_date") or b["element"].get("initial_time"))
        for b in form["blocks"]
        if b["type"] == "input"
    ]
    # The next business days after Thursday: Friday, Monday, Tuesday.
    assert proposed == ["2026-12-04", "09:00", "2026-12-07", "09:00", "2026-12-08", "09:00"]

    # A session that starts before the one before it ends is refused and nothing is written.
    clash = _catchup_values([("2026-12-04", "09:00"), ("2026-12-04", "11:00"), ("2026-12-08", "09:00")])
    body = world.driver.submit_view(
        ids.VIEW_CATCHUP, clash, user=TL, private_metadata=form["private_metadata"], view_id="V0CU1"
    ).json()
    assert "starts before session 1 ends" in body["errors"][ids.CATCHUP_DATE_BLOCKS[1]]

    # The TL moves Monday's session to the afternoon and confirms.
    picked = _catchup_values([("2026-12-04", "09:00"), ("2026-12-07", "13:00"), ("2026-12-08", "09:00")])
    for _ in range(2):  # a double click saves once
        world.driver.submit_view(
            ids.VIEW_CATCHUP, picked, user=TL, private_metadata=json.dumps({"agent": BEN}), view_id="V0CU2"
        )
    [to_ben] = [text_of(m) for m in world.slack.dms_to(BEN) if "catch-up sessions" in text_of(m)]
    assert "Session 2: Mon Dec 7, 1:00 PM CST to Mon Dec 7, 4:00 PM CST" in to_ben
    assert len([m for m in notices_to(world, TL) if "Ben Okafor's catch-up sessions" in text_of(m)]) == 1

    # 8 extra hours: 3 on Friday, 3 on Monday, and 2 of Tuesday's session -> Tuesday 11:00 AM.
    world.advance_to(datetime(2026, 12, 8, 10, 59, tzinfo=CHI))
    assert not [m for m in notices_to(world, PM) if "extra hours of the catch-up" in text_of(m)]
    world.advance_to(datetime(2026, 12, 8, 11, 0, tzinfo=CHI))
    for who in (TL, PM):
        [end] = [text_of(m) for m in world.slack.dms_to(who) if "extra hours of the catch-up" in text_of(m)]
        assert "Ben Okafor has used the 8 extra hours" in end and "Proposed: *Term*" in end
    world.advance_to(datetime(2026, 12, 9, 17, 0, tzinfo=CHI))
    assert len([m for m in notices_to(world, PM) if "extra hours of the catch-up" in text_of(m)]) == 1


def test_a_clock_that_starts_at_the_first_progress_report_counts_from_there(database_url, standin, tmp_path):
    import yaml

    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    raw["ahip_clock"]["starts"] = "first_progress"
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(raw))
    standin.reset()
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    world = World(database_url, start=DEFAULT_START, standin=standin, migrate=False, playbook=path)
    try:
        import_cohort(world)
        # Ben starts AHIP on day 2 at 8:00; nobody else reports: their clocks never start.
        world.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=CHI))
        world.driver.command("/progress", "ahip 1", user=BEN, channel=CLASS)
        world.advance_to(datetime(2026, 12, 4, 16, 59, tzinfo=CHI))
        assert _clock_dms(world) == []  # a class-start clock would have passed 24 h on Thursday
        world.advance_to(datetime(2026, 12, 4, 17, 1, tzinfo=CHI))  # 24 training hours after his start
        assert [len(_clock_dms(world, n)) for n in ("Ana Ruiz", "Ben Okafor")] == [0, 1]
    finally:
        world.close()
        _empty(database_url)


def test_call_cert_double_submission_saves_once_and_an_oversized_evaluator_is_refused(world):
    from db.models import FormSubmission

    import_cohort(world)
    world.clock.set(datetime(2026, 12, 3, 15, 0, tzinfo=CHI))
    for _ in range(2):
        _callcert(world, ["90", "90", "90", "90"], "V0TWICE")
    with world.ctx.db.session() as session:
        assert session.query(FormSubmission).filter_by(kind="callcert").count() == 1
    body = _callcert(world, ["90"] * 4, "V0LONG", evaluators=["Q" * 500] + ["Quinn"] * 4).json()
    assert "call 1" in body["errors"][ids.FORM_CALL_EVALUATOR_BLOCKS[0]].lower()
    with world.ctx.db.session() as session:
        assert session.query(FormSubmission).filter_by(kind="callcert").count() == 1
