"""The Attendance Policy as points: each occurrence carries its code's points, counted over a
rolling 90 days across classes; the step comes from the points or from the number of NCNS."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.core import people
from bot.home import service as home
from bot.reports import tracker_export as tracker_sheet
from db.models import AttendanceCheck, AttendanceFlag, Coaching
from tests.helpers import ANA, BEN, CLASS, TL, import_cohort, replies, text_of

CHI = ZoneInfo("America/Chicago")


def _set_codes(world, cohort_id, slack_id, codes, first_day=1):
    """Day codes as `/attendance set` writes them (the TL's choice for each day)."""
    with world.ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        agent = people.by_slack_id(session, slack_id)
        tl = people.by_slack_id(session, TL)
        for offset, code in enumerate(codes):
            attendance.set_code(
                session,
                world.ctx.playbook,
                cohort,
                agent,
                first_day + offset,
                code,
                actor=tl,
                reason="from the sheet",
                now=world.clock.now(),
            )


def _mark(world, cohort_id, slack_id, day, kind="mia", break_no=1, status="open"):
    """A mark as the class day writes it, with the agent's on-time check-in for the day."""
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, slack_id)
        cohort = cohorts.by_id(session, cohort_id)
        start = attendance.day_of(cohort, world.ctx.playbook, day).start
        session.add(
            AttendanceCheck(
                cohort_id=cohort_id, person_id=person.id, day=day, kind="checkin", break_no=0, at=start
            )
        )
        session.add(
            AttendanceFlag(
                cohort_id=cohort_id,
                person_id=person.id,
                day=day,
                kind=kind,
                break_no=break_no,
                flagged_at=start + timedelta(hours=2),
                status=status,
            )
        )


def _attendance_line(world, agent=ANA):
    world.driver.command("/coach", f"<@{agent}|a>", user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    lines = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    proposals = next(t for t in lines if t.startswith("*Proposed next step*"))
    return next(line for line in proposals.splitlines() if "Attendance Policy" in line)


@pytest.mark.parametrize(
    ("codes", "step"),
    [
        (["tardy_under_1h"], "No step yet"),
        (["tardy_under_1h", "left_early_under_1h"], "Verbal coaching"),
        (["absent_unapproved"] * 3 + ["tardy_over_1h"], "Verbal coaching"),
        (["absent_unapproved"] * 4, "Written CAP"),
        (["ncns"], "Written CAP"),
        (["absent_unapproved"] * 4 + ["mia"] * 2, "Final CAP"),
        (["ncns", "ncns"], "Final CAP"),
        (["absent_unapproved"] * 6, "Term"),
        (["ncns"] * 3, "Term"),
    ],
)
def test_the_step_comes_from_the_points_or_the_number_of_ncns(world, codes, step):
    cohort_id = import_cohort(world, days=6)
    world.clock.set(datetime(2026, 12, 9, 17, 30, tzinfo=CHI))
    _set_codes(world, cohort_id, ANA, codes)
    line = _attendance_line(world)
    assert f"*{step}*" in line, line


def test_excused_hr_approved_and_short_occurrences_carry_no_points(world):
    cohort_id = import_cohort(world)
    world.clock.set(datetime(2026, 12, 3, 17, 30, tzinfo=CHI))
    _mark(world, cohort_id, ANA, day=1, status="excused")  # the TL excused this MIA
    _set_codes(world, cohort_id, ANA, ["absent_hr_approved"], first_day=2)
    with world.ctx.db.session() as session:  # 6 minutes late on day 3: under the policy's 10
        cohort = cohorts.by_id(session, cohort_id)
        start = attendance.day_of(cohort, world.ctx.playbook, 3).start
        ana = people.by_slack_id(session, ANA)
        session.add(
            AttendanceCheck(
                cohort_id=cohort_id,
                person_id=ana.id,
                day=3,
                kind="checkin",
                break_no=0,
                at=start + timedelta(minutes=6),
                late=True,
            )
        )
    assert "*No step yet* (0 points in the last 90 days" in _attendance_line(world)
    _mark(world, cohort_id, BEN, day=1)
    _mark(world, cohort_id, BEN, day=2)
    assert "*Verbal coaching* (1 point in the last 90 days)" in _attendance_line(world, BEN)


def test_points_count_across_classes_for_ninety_days_and_then_drop_out(world):
    # September's class: an NCNS on its first day (Wed Sept 2), and an MIA on its second.
    ana = {"slack_id": ANA, "name": "Ana Ruiz", "n_number": "N1234567", "npn": "19283746"}
    earlier = import_cohort(
        world, name="September class", channel="C0CLASS02", start_date="2026-09-02", agents=[ana]
    )
    _set_codes(world, earlier, ANA, ["ncns"])
    _mark(world, earlier, ANA, day=2)
    with world.ctx.db.session() as session:
        enrollment = cohorts.enrollment_of(session, people.by_slack_id(session, ANA).id)
        enrollment.status = "transferred"
    cohort_id = import_cohort(world)
    _set_codes(world, cohort_id, ANA, ["absent_unapproved", "tardy_over_1h"])

    # Dec 1 is 90 days after Sept 2: 2 + ½ from September, 1 from today.
    world.clock.set(datetime(2026, 12, 1, 17, 30, tzinfo=CHI))
    line = _attendance_line(world)
    assert "*Written CAP* (3½ points in the last 90 days, 1 × NCNS (no call, no show))" in line
    # Dec 2: the NCNS is 91 days old and drops out; Sept 3's MIA (90 days) still counts.
    world.clock.set(datetime(2026, 12, 2, 17, 30, tzinfo=CHI))
    assert "*Verbal coaching* (2 points in the last 90 days)" in _attendance_line(world)
    world.clock.set(datetime(2026, 12, 3, 17, 30, tzinfo=CHI))
    assert "*Verbal coaching* (1½ points in the last 90 days)" in _attendance_line(world)


def test_the_written_cap_states_the_points_and_the_home_and_export_show_them(world):
    cohort_id = import_cohort(world, days=5)
    world.clock.set(datetime(2026, 12, 7, 17, 30, tzinfo=CHI))
    _set_codes(world, cohort_id, ANA, ["absent_unapproved"] * 3)
    _mark(world, cohort_id, ANA, day=4)
    _mark(world, cohort_id, ANA, day=5, break_no=2)
    reply = world.driver.command(
        "/coach", f"<@{ANA}|ana> attendance written Two more MIAs this week", user=TL, channel=CLASS
    )
    assert "Saved: *Written CAP* for *Ana Ruiz*" in replies(world, reply)[0]
    cap = next(text_of(m) for m in world.slack.dms_to(TL) if "Corrective Action Plan" in text_of(m))
    assert "4 points in the last 90 days: Absent – Unapproved on Tue Dec 1, 2026 (1);" in cap
    assert "MIA on Mon Dec 7, 2026 after break 2 (½)" in cap
    with world.ctx.db.session() as session:
        [saved] = session.scalars(select(Coaching)).all()
        assert (saved.level, saved.proposed_level, len(saved.links)) == ("written", "written", 5)

        panels = home.staff_panels(
            session, world.ctx.playbook, people.by_slack_id(session, TL), world.clock.now()
        )
        [row] = [r for r in panels[0].agents if r.name == "Ana Ruiz"]
        assert row.points == "4 attendance points (90 days)"
        ana = home.agent_home(
            session, world.ctx.playbook, people.by_slack_id(session, ANA), world.clock.now()
        )
        assert ana.points == "4 attendance points (90 days)"

        table = tracker_sheet.rows(session, cohort_id, world.ctx.playbook, world.clock.now())
        sheet = {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
        assert sheet["Ana Ruiz"]["Attendance points"] == 4
        assert sheet["Ben Okafor"]["Attendance points"] == 0
