"""Accountability through the real app: /coach and the ladder, the CAP, /coaching, /failcert and
the Failed Cert Exams Guide, /progress and the three-day window."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import app
from bot.core import people
from bot.esp_tracker import service as esp
from db.models import AttendanceFlag, CertAttempt, Coaching, Person, Role, TimeframeFlag
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, reached, replies, text_of

CHI = ZoneInfo("America/Chicago")
ESP = "U0ESP001"
ADMIN = "U0ADM001"


def _staff(world):
    with world.ctx.db.session() as session:
        for uid, name, role in ((ESP, "Erin Esp", Role.ESP_MANAGER), (ADMIN, "Alex Admin", Role.ADMIN)):
            people.upsert(
                session, slack_user_id=uid, name=name, role=role, actor="test", now=world.clock.now()
            )


def _mia(world, cohort_id, slack_id, day, break_no=1):
    """An MIA as the training day marks it (the attendance engine's table)."""
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, slack_id)
        session.add(
            AttendanceFlag(
                cohort_id=cohort_id,
                person_id=person.id,
                day=day,
                kind="mia",
                break_no=break_no,
                flagged_at=world.clock.now(),
                status="open",
            )
        )


def _answer(world, reply):
    [answer] = replies(world, reply)
    return answer


def _proposal_line(view, title):
    lines = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    proposals = next(t for t in lines if t.startswith("*Proposed next step*"))
    return next(line for line in proposals.splitlines() if title in line)


def _open_coach_form(world, agent):
    before = len(world.slack.calls("views.open"))
    world.driver.command("/coach", f"<@{agent}|a>", user=TL, channel=CLASS)
    calls = world.slack.calls("views.open")
    assert len(calls) == before + 1
    return calls[-1].args["view"]


def test_each_mia_is_half_a_point_and_a_second_one_is_a_verbal_not_a_written_cap(world):
    cohort_id = import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CHI))
    _mia(world, cohort_id, ANA, day=1)
    view = _open_coach_form(world, ANA)
    line = _proposal_line(view, "Attendance Policy")
    assert "*No step yet*" in line and "½ point in the last 90 days" in line
    assert any("MIA on Tue Dec 1, 2026 after break 1 (½)" in text_of({"blocks": [b]}) for b in view["blocks"])

    world.clock.advance(timedelta(days=1))
    _mia(world, cohort_id, ANA, day=2)
    assert "*Verbal coaching* (1 point in the last 90 days)" in _proposal_line(
        _open_coach_form(world, ANA), "Attendance Policy"
    )
    reply = world.driver.command(
        "/coach", f"<@{ANA}|ana> attendance verbal Missed the hand-raise twice", user=TL, channel=CLASS
    )
    assert "Saved: *Verbal coaching* for *Ana Ruiz*" in _answer(world, reply)

    # A third MIA is 1½ points: still a verbal, whatever was coached before.
    world.clock.advance(timedelta(days=1))
    _mia(world, cohort_id, ANA, day=3)
    assert "*Verbal coaching* (1½ points" in _proposal_line(_open_coach_form(world, ANA), "Attendance Policy")
    # Other policies are untouched by attendance points.
    assert "*Verbal coaching*" in _proposal_line(_open_coach_form(world, ANA), "Conduct")
    # A Written CAP is beyond what the policy calls for: it needs a reason, and nothing is written.
    reply = world.driver.command(
        "/coach", f"<@{ANA}|ana> attendance written Missed again", user=TL, channel=CLASS
    )
    assert "skips a level" in _answer(world, reply)
    with world.ctx.db.session() as session:
        rows = session.scalars(select(Coaching).order_by(Coaching.id)).all()
        assert [(c.level, c.proposed_level, len(c.links)) for c in rows] == [("verbal", "verbal", 2)]


def test_written_cap_is_filled_with_the_prior_verbal_coaching_and_sent_to_the_tl(world):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CHI))
    world.driver.command(
        "/coach", f"<@{ANA}|ana> conduct verbal Talked over the trainer", user=TL, channel=CLASS
    )
    assert world.slack.dms_to(TL) == []  # a verbal coaching has no paperwork
    world.clock.advance(timedelta(days=1))
    reply = world.driver.command(
        "/coach", f"<@{ANA}|ana> conduct written Used the chat for personal jokes", user=TL, channel=CLASS
    )
    assert "The filled CAP is in" in _answer(world, reply)
    [dm] = world.slack.dms_to(TL)
    document = text_of(dm)
    for expected in (
        "Corrective Action Plan: Written CAP",
        "Agent: Ana Ruiz",
        "N-Number: N1234567",
        "AHIP/Aetna class - Dec 1",
        "Tue Dec 1, 2026 to Thu Dec 3, 2026",
        "Policy: Conduct",
        "Used the chat for personal jokes",
        "Verbal coaching (Conduct) by Tess Lead: Talked over the trainer",
        "Treat trainers and classmates with respect",
        "Agent signature",
        "signature",
    ):
        assert expected in document, expected

    out = world.database_url  # noqa: F841 - the CLI export reads the same database
    with world.ctx.db.session() as session:
        cap = session.scalar(select(Coaching).where(Coaching.level == "written"))
        assert cap.document and "Talked over the trainer" in cap.document


def test_export_caps_writes_one_file_per_cap(world, tmp_path, monkeypatch, capsys):
    cohort_id = import_cohort(world)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal Late back", user=TL, channel=CLASS)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct written Late back again", user=TL, channel=CLASS)
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.delenv("PLAYBOOK", raising=False)
    assert app.main(["export", "caps", "--cohort", str(cohort_id), "--out", str(tmp_path)]) == 0
    files = sorted(tmp_path.iterdir())
    assert [f.name.split("-", 2)[2] for f in files] == ["ana-ruiz-written.md"]
    assert "Late back again" in files[0].read_text()
    assert "wrote 1 CAP file" in capsys.readouterr().out


def test_skipping_a_level_needs_a_confirmed_reason_which_is_kept(world):
    import_cohort(world)
    reply = world.driver.command(
        "/coach", f"<@{ANA}|ana> conduct final Shouted at a classmate", user=TL, channel=CLASS
    )
    answer = _answer(world, reply)
    assert "proposed step for Ana Ruiz is *Verbal coaching*" in answer and "[Skip to Final CAP…]" in answer
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Coaching)) == 0

    world.driver.action("coach_open", _button_value(world, reply), user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    assert view["callback_id"] == "coach_modal"
    values = {
        "coach_policy": {"value": {"type": "static_select", "selected_option": {"value": "conduct"}}},
        "coach_level": {"value": {"type": "static_select", "selected_option": {"value": "final"}}},
        "coach_incident": {"value": {"type": "plain_text_input", "value": "Shouted at a classmate"}},
        "coach_expectation": {"value": {"type": "plain_text_input", "value": None}},
        "coach_skip_reason": {"value": {"type": "plain_text_input", "value": None}},
    }
    body = world.driver.submit_view(
        "coach_modal", values, user=TL, private_metadata=view["private_metadata"]
    ).json()
    assert body["response_action"] == "errors" and "skips a level" in body["errors"]["coach_skip_reason"]

    values["coach_skip_reason"]["value"]["value"] = "Threatened a classmate; HR asked for a Final CAP"
    reply = world.driver.submit_view(
        "coach_modal", values, user=TL, private_metadata=view["private_metadata"]
    )
    assert reply.body == ""
    with world.ctx.db.session() as session:
        [saved] = session.scalars(select(Coaching)).all()
        assert (saved.level, saved.proposed_level) == ("final", "verbal")
        assert saved.skip_reason == "Threatened a classmate; HR asked for a Final CAP"
    assert any("Corrective Action Plan: Final CAP" in text_of(m) for m in world.slack.dms_to(TL))
    history = _answer(world, world.driver.command("/coaching", f"<@{ANA}|ana>", user=TL, channel=CLASS))
    assert "Final CAP" in history and "Skipped a level: Threatened a classmate" in history


def _button_value(world, reply):
    [post] = [r.payload for r in world.slack.responses() if r.token == reply.response_url_token]
    action_block = next(b for b in post["blocks"] if b["type"] == "actions")
    return action_block["elements"][0]["value"]


def test_coaching_history_is_newest_first_and_private_to_the_agent(world):
    import_cohort(world)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal First thing", user=TL, channel=CLASS)
    world.clock.advance(timedelta(hours=1))
    world.driver.command("/coach", f"<@{ANA}|ana> failedcert verbal Second thing", user=TL, channel=CLASS)
    history = _answer(world, world.driver.command("/coaching", f"<@{ANA}|ana>", user=TL, channel=CLASS))
    assert history.index("Second thing") < history.index("First thing")
    own = _answer(world, world.driver.command("/coaching", "", user=ANA, channel=CLASS))
    assert "First thing" in own
    other = _answer(world, world.driver.command("/coaching", f"<@{ANA}|ana>", user=BEN, channel=CLASS))
    assert "records are private" in other and "First thing" not in other
    refused = _answer(
        world, world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal x", user=BEN, channel=CLASS)
    )
    assert "Sorry, only team leads" in refused


def test_third_failed_ahip_attempt_blocks_ahip_and_dms_the_pm_once_each_time(world):
    import_cohort(world)
    _staff(world)
    answers = []
    for score in (61, 64, 66):
        reply = world.driver.command(
            "/failcert", f"<@{ANA}|ana> ahip {score} module 4 was hard", user=TL, channel=CLASS
        )
        answers.append(_answer(world, reply))
    assert "1st of 3 attempts" in answers[0] and "Attempts left: 2" in answers[0]
    assert (
        "Verbal coaching and a warning" in answers[0] and "Proposed coaching: *Verbal coaching*" in answers[0]
    )
    assert "2nd of 3" in answers[1] and "must be proctored" in answers[1] and "*Written CAP*" in answers[1]
    assert (
        "3rd of 3" in answers[2] and "blocked for AHIP" in answers[2] and "termination review" in answers[2]
    )
    assert "*Final CAP*" in answers[2]

    # The TL recorded them and read each in the reply; the PM and the ESP manager, in their digests.
    assert not [m for m in world.slack.dms_to(TL) if "failed the AHIP exam" in text_of(m)]
    for uid in (PM, ESP):
        dms = [text_of(m) for m in reached(world, uid) if "failed the AHIP exam" in text_of(m)]
        assert len(dms) == 3, uid
        assert "3rd of 3 attempts" in dms[2]
    # The typed command moves the ESP tracker exactly as the Failed Carrier Cert Exams form does.
    with world.ctx.db.session() as session:
        ana = people.by_slack_id(session, ANA)
        assert esp.status_of(session, ana.id, "ahip") == esp.BLOCKED

    blocked = _answer(
        world, world.driver.command("/failcert", f"<@{ANA}|ana> ahip 70", user=TL, channel=CLASS)
    )
    assert "blocked for AHIP" in blocked and "Nothing was recorded" in blocked
    assert len([m for m in reached(world, PM) if "failed the AHIP exam" in text_of(m)]) == 3
    # Aetna is a separate count.
    assert "1st of 3" in _answer(
        world, world.driver.command("/failcert", f"<@{ANA}|ana> aetna", user=TL, channel=CLASS)
    )

    not_admin = _answer(
        world, world.driver.command("/failcert", f"<@{ANA}|ana> ahip 70 override", user=TL, channel=CLASS)
    )
    assert not_admin.startswith("Sorry, only admins can override a carrier's attempt limit")
    overridden = _answer(
        world, world.driver.command("/failcert", f"<@{ANA}|ana> ahip 70 override", user=ADMIN, channel=CLASS)
    )
    assert "4th of 3" in overridden and "admin override" in overridden
    with world.ctx.db.session() as session:
        attempts = session.scalars(
            select(CertAttempt).where(CertAttempt.carrier_key == "ahip").order_by(CertAttempt.attempt_no)
        ).all()
        assert [(a.attempt_no, a.override) for a in attempts] == [
            (1, False),
            (2, False),
            (3, False),
            (4, True),
        ]


@pytest.mark.parametrize(
    "text, message",
    [
        (f"<@{ANA}|ana> ahip 140", "out of range"),
        (f"<@{ANA}|ana> cigna 60", "not a carrier I know"),
        ("<@U0AG0004|dev> ahip 60", "not an agent I know"),
        (f"<@{ANA}|ana>", "I need the agent and the carrier"),
    ],
)
def test_bad_failcert_input_is_explained_and_writes_nothing(world, text, message):
    import_cohort(world)
    answer = _answer(world, world.driver.command("/failcert", text, user=TL, channel=CLASS))
    assert message in answer
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(CertAttempt)) == 0
    assert world.slack.dms_to(PM) == []


def test_failcert_form_records_and_validates(world):
    import_cohort(world)
    world.driver.command("/failcert", "", user=TL, channel=CLASS)
    assert world.slack.calls("views.open")[-1].args["view"]["callback_id"] == "failcert_modal"

    def values(score):
        return {
            "failcert_agent": {"value": {"type": "users_select", "selected_user": BEN}},
            "failcert_carrier": {"value": {"type": "static_select", "selected_option": {"value": "aetna"}}},
            "failcert_score": {"value": {"type": "number_input", "value": score}},
            "failcert_note": {"value": {"type": "plain_text_input", "value": None}},
        }

    body = world.driver.submit_view("failcert_modal", values("-5"), user=TL).json()
    assert "whole number from 0 to 100" in body["errors"]["failcert_score"]
    body = world.driver.submit_view("failcert_modal", values("101"), user=TL).json()
    assert "out of range" in body["errors"]["failcert_score"]
    assert world.driver.submit_view("failcert_modal", values("58"), user=TL, view_id="V0FAIL1").body == ""
    # The same modal submitted again (a double click): one attempt, one DM each.
    assert world.driver.submit_view("failcert_modal", values("58"), user=TL, view_id="V0FAIL1").body == ""
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(CertAttempt)) == 1
    [told] = [m for m in reached(world, PM) if "failed the Aetna exam" in text_of(m)]
    assert "failed the Aetna exam with a score of 58" in text_of(told)


def test_progress_reports_and_the_class_view(world):
    import_cohort(world)
    answer = _answer(world, world.driver.command("/progress", "ahip 3", user=ANA, channel=CLASS))
    assert "You finished *AHIP module 3*" in answer and "AHIP module 4" in answer
    assert "AHIP final exam" in _answer(
        world, world.driver.command("/progress", "ahip final", user=ANA, channel=CLASS)
    )
    bad = _answer(world, world.driver.command("/progress", "ahip 9", user=ANA, channel=CLASS))
    assert "not a AHIP step" in bad
    other = _answer(world, world.driver.command("/progress", f"<@{BEN}|ben> ahip 2", user=ANA, channel=CLASS))
    assert "Ben Okafor's records are private" in other
    assert "Ben Okafor finished" in _answer(
        world, world.driver.command("/progress", f"<@{BEN}|ben> ahip 2", user=TL, channel=CLASS)
    )
    world.driver.command("/progress", "", user=CHLOE_ID, channel=CLASS)
    assert world.slack.calls("views.open")[-1].args["view"]["callback_id"] == "progress_modal"
    reply = world.driver.submit_view(
        "progress_modal",
        {"progress_step": {"value": {"type": "static_select", "selected_option": {"value": "ahip 1"}}}},
        user=CHLOE_ID,
    )
    assert reply.body == "" and "finished *AHIP module 1*" in text_of(world.slack.dms_to(CHLOE_ID)[-1])

    world.clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CHI))  # day 3: days 1 and 2 are due
    table = _answer(world, world.driver.command("/progress", "", user=TL, channel=CLASS))
    assert "Ana Ruiz*: AHIP final exam" in table
    assert "Ben Okafor*: AHIP module 2" in table and "behind pace: AHIP module 3, AHIP module 4" in table


CHLOE_ID = "U0AG0003"


def test_behind_pace_at_day_end_and_flag_after_the_window(world):
    cohort_id = import_cohort(world)
    from bot.progress.timeframe_jobs import behind_pace

    for step in ("ahip final", "aetna done"):
        world.driver.command("/progress", step, user=ANA, channel=CLASS)
    world.driver.command("/progress", "ahip 4", user=BEN, channel=CLASS)
    world.driver.command(
        "/progress", f"<@{CHLOE_ID}|c> excuse N-Number arrived on day 2", user=TL, channel=CLASS
    )
    with world.ctx.db.session() as session:
        day2 = text_of({"blocks": behind_pace(session, world.ctx, cohort_id, 2)})
    assert "Behind pace after day 2" in day2 and "Chloe Martin*: missing AHIP module 1" in day2
    assert "Ben Okafor" not in day2 and "Ana Ruiz" not in day2

    world.clock.set(datetime(2026, 12, 3, 17, 30, tzinfo=CHI))
    assert (
        world.run_job("bot.progress.timeframe_jobs:timeframe_check", cohort_id, 2) == 0
    )  # not the window's last day
    assert world.run_job("bot.progress.timeframe_jobs:timeframe_check", cohort_id, 3) == 2
    world.run_job("bot.progress.timeframe_jobs:timeframe_check", cohort_id, 3)  # a rerun sends nothing again
    tl_dms = [text_of(m) for m in reached(world, TL) if "has not finished inside" in text_of(m)]
    pm_dms = [text_of(m) for m in reached(world, PM) if "has not finished inside" in text_of(m)]
    assert len(tl_dms) == 2 and len(pm_dms) == 2
    ben = next(t for t in tl_dms if "Ben Okafor" in t)
    assert "AHIP module 5, AHIP final exam, Aetna certification" in ben and "Proposed: *Final CAP*" in ben
    chloe = next(t for t in tl_dms if "Chloe Martin" in t)
    assert "outside the agent's control: N-Number arrived on day 2" in chloe and "No CAP is proposed" in chloe
    view = _open_coach_form(world, BEN)
    assert "*Final CAP*" in _proposal_line(view, "Agent Timeframe Expectations")
    with world.ctx.db.session() as session:
        flags = session.scalars(select(TimeframeFlag)).all()
        assert {(session.get(Person, f.person_id).name, f.excuse is not None) for f in flags} == {
            ("Ben Okafor", False),
            ("Chloe Martin", True),
        }


def test_a_window_longer_than_the_cohort_is_checked_on_its_last_day():
    from datetime import date

    from bot.config.playbook import load_playbook
    from bot.config.settings import SHIPPED_PLAYBOOK
    from bot.progress import service as progress
    from db.models import Cohort

    shipped = load_playbook(SHIPPED_PLAYBOOK)
    longer = shipped.model_copy(update={"timeframe": shipped.timeframe.model_copy(update={"window_days": 5})})
    cohort = Cohort(days=3, start_date=date(2026, 12, 1))
    assert progress.check_day(cohort, longer) == 3
    half = shipped.model_copy(update={"timeframe": shipped.timeframe.model_copy(update={"window_days": 3.5})})
    assert progress.check_day(Cohort(days=4, start_date=date(2026, 12, 1)), half) == 4
    assert progress.check_day(cohort, shipped) == 3
