"""The real policies as data (issue 13): a class on a playbook with UHC at 6 attempts and TBT
courses, attempts counted per calendar year in the cohort's timezone, and Call Cert scoring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.config.settings import SHIPPED_PLAYBOOK
from bot.services import esp, people, tracker_sheet
from bot.slack import ids
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
from db.models import CertAttempt
from tests.conftest import AGENTS, DEFAULT_START, STAFF, _empty
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, replies, text_of

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
    assert "6th of 6 attempts" in text_of(world.slack.dms_to(PM)[-1])

    refused = _failcert(world, f"<@{ANA}|ana> uhc 70")
    assert "blocked for UHC until Jan 1, 2027" in refused and "Nothing was recorded" in refused
    # AHIP keeps the shared ladder at 3 on the same playbook.
    ahip = _failcert(world, f"<@{ANA}|ana> ahip 60")
    assert "1st of 3 attempts" in ahip

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


def test_the_shipped_playbook_keeps_ahip_and_aetna_at_three(world):
    assert [(c.key, c.attempts) for c in world.ctx.playbook.exams] == [("ahip", 3), ("aetna", 3)]


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
    [confirmation] = [text_of(m) for m in world.slack.dms_to(TL) if "Call Certification" in text_of(m)]
    assert "4 of 5 calls at 85% or more (pass rate 80%)" in confirmation
    assert "Ruiz_Ana_80%" in confirmation
    with world.ctx.db.session() as session:
        table = tracker_sheet.rows(session, cohort_id, world.ctx.playbook)
    ana = dict(zip(table[0], next(r for r in table if r[0] == "Ana Ruiz"), strict=True))
    assert ana["Call Cert pass rate"] == "80%" and ana["Call Cert"] == "complete"

    # 3 of 5 (60%) is a fail: the item is blocked.
    assert _callcert(world, ["85", "60", "84", "90"], "V0CALL2").body == ""
    assert _callcert_status(world) == esp.BLOCKED
    assert "Ruiz_Ana_60%" in text_of(world.slack.dms_to(TL)[-1])


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
