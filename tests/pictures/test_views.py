"""Each picture's numbers, from facts to view model (pure), and each picture a valid PNG with alt
text saying what it shows."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.pictures import render, views
from bot.pictures.types import STAGES, AgentDays, AgentStages, ClassStages, ExamOutcome

T0 = datetime(2026, 12, 1, 14, tzinfo=UTC)
DAY1, DAY2, NOW = T0 + timedelta(hours=12), T0 + timedelta(hours=36), T0 + timedelta(days=9)


def _agent(name: str, **hours: float | None) -> AgentStages:
    """An agent who reached the stages named (by position: s0=Enrolled...) so many hours after T0."""
    reached = {
        stage: (T0 + timedelta(hours=h) if (h := hours.get(f"s{i}")) is not None else None)
        for i, stage in enumerate(STAGES)
    }
    return AgentStages(name, reached)


def _png_ok(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.verify()
    return image.size


def test_the_funnel_counts_agents_at_each_stage_by_the_end_of_each_class_day():
    cls = ClassStages(
        "Class - Dec 1",
        [("Day 1", DAY1), ("Day 2", DAY2), ("Now", NOW)],
        [
            _agent("Ana", s0=-24, s1=5, s2=10, s3=11, s4=30, s5=31, s6=32, s7=100),
            _agent("Ben", s0=-24, s1=20, s2=34),
            _agent("Chloe", s0=-24, s3=6),  # Aetna first: each stage counts on its own
            _agent("Dev", s0=50),  # joined late
        ],
    )
    other = ClassStages("Other", [("Day 1", DAY1)], [_agent("Zed", s0=-1)])
    funnel = views.funnel([cls, other])
    rows = {(r.class_name, r.moment): (r.enrolled, r.counts) for r in funnel.rows}
    assert rows[("Class - Dec 1", "Day 1")] == (3, (3, 1, 1, 2, 0, 0, 0, 0))
    assert rows[("Class - Dec 1", "Day 2")] == (3, (3, 2, 2, 2, 1, 1, 1, 0))
    assert rows[("Class - Dec 1", "Now")] == (4, (4, 2, 2, 2, 1, 1, 1, 1))
    assert rows[("Other", "Day 1")] == (1, (1, 0, 0, 0, 0, 0, 0, 0))
    assert funnel.stages == STAGES
    assert [r.moment for r in funnel.rows] == ["Day 1", "Day 2", "Now", "Day 1"]

    png = render.funnel_png(funnel)
    assert _png_ok(png)[0] > 500
    alt = render.funnel_alt(funnel)
    assert "Class funnel for 2 class(es)" in alt
    assert "Class - Dec 1 (Now): Enrolled 4, AHIP modules 2, AHIP final 2, Aetna 2, TBT 1" in alt
    assert "Production 1" in alt and len(alt) <= render.ALT_TEXT_LIMIT


LABELS = {
    "full_day": "Full Day",
    "tardy_under_1h": "Tardy < 1 hour",
    "absent_unapproved": "Absent – Unapproved",
    "ncns": "NCNS (no call, no show)",
    "mia": "Unresponsive or Missing During Class (MIA)",
    "made_up": "Made Up Code",
}


def test_the_attendance_map_has_a_letter_per_cell_and_marks_mias():
    agents = [
        AgentDays("Ben Okafor", {1: "absent_unapproved", 2: "full_day", 3: "ncns"}),
        AgentDays("ana ruiz", {1: "full_day", 2: "tardy_under_1h"}, frozenset({2})),
        AgentDays("Chloe Martin", {1: "made_up", 2: "mia", 3: "full_day"}, frozenset({2})),
    ]
    found = views.attendance_map("Class - Dec 1", [1, 2, 3], agents, LABELS)
    assert found.agents == ["ana ruiz", "Ben Okafor", "Chloe Martin"]  # by name, whatever the case
    letters = [[c.letter for c in row] for row in found.cells]
    assert letters == [["P", "T!", "·"], ["A", "P", "N"], ["MU", "M!", "P"]]
    assert [[c.mia for c in row] for row in found.cells] == [
        [False, True, False],
        [False, False, False],
        [False, True, False],
    ]
    assert found.cells[0][2].code == ""  # day 3 not recorded for Ana
    # The legend lists the codes used, in the playbook's order.
    assert [code for _l, code, _label in found.legend] == [
        "full_day",
        "tardy_under_1h",
        "absent_unapproved",
        "ncns",
        "mia",
        "made_up",
    ]

    assert _png_ok(render.attendance_png(found))
    alt = render.attendance_alt(found)
    assert "Attendance map of Class - Dec 1: 3 agents by 3 class day(s)" in alt
    assert "Full Day 3" in alt and "NCNS (no call, no show) 1" in alt
    assert "2 MIA(s) not cleared: ana ruiz (day 2); Chloe Martin (day 2)." in alt


def test_an_empty_map_still_draws():
    assert _png_ok(render.attendance_png(views.attendance_map("New", [], [AgentDays("Ana", {})], LABELS)))
    assert _png_ok(render.attendance_png(views.attendance_map("New", [1], [], LABELS)))
    assert _png_ok(render.funnel_png(views.funnel([])))


def test_first_attempt_pass_rates_per_carrier_and_per_team_lead():
    outcomes = [
        ExamOutcome("C1", "Tess Lead", "AHIP", passed=True, failed_attempts=0),
        ExamOutcome("C1", "Tess Lead", "AHIP", passed=True, failed_attempts=1),  # passed, not at first
        ExamOutcome("C1", "Tess Lead", "AHIP", passed=False, failed_attempts=0),  # not taken yet
        ExamOutcome("C1", "Tess Lead", "Aetna", passed=False, failed_attempts=2),
        ExamOutcome("C2", "Tom Second", "AHIP", passed=True, failed_attempts=0),
        ExamOutcome("C2", "Tom Second", "Aetna", passed=True, failed_attempts=0),
    ]
    rates = views.pass_rates(outcomes)
    assert rates.classes == ["C1", "C2"]
    assert [(r.label, r.first_try, r.attempted) for r in rates.by_exam] == [("AHIP", 2, 3), ("Aetna", 1, 2)]
    assert [(r.label, r.first_try, r.attempted) for r in rates.by_tl] == [
        ("Tess Lead", 1, 3),
        ("Tom Second", 2, 2),
    ]
    assert round(rates.by_exam[0].percent or 0) == 67

    assert _png_ok(render.pass_rates_png(rates))
    alt = render.pass_rates_alt(rates)
    assert "over the last 2 class(es) (C1, C2)" in alt
    assert "Per carrier: AHIP 67% (2 of 3), Aetna 50% (1 of 2)" in alt
    assert "Per team lead: Tess Lead 33% (1 of 3), Tom Second 100% (2 of 2)" in alt
    assert _png_ok(render.pass_rates_png(views.pass_rates([])))


def test_names_that_look_like_mathtext_are_drawn_as_typed():
    odd = r"Ana $\frac$ Ruiz $$"
    found = views.attendance_map(odd, [1], [AgentDays(odd, {1: "full_day"})], LABELS)
    assert _png_ok(render.attendance_png(found))
    funnel = views.funnel([ClassStages(odd, [("Day 1", DAY1)], [_agent(odd, s0=-1)])])
    assert _png_ok(render.funnel_png(funnel))
    rates = views.pass_rates([ExamOutcome(odd, odd, odd, passed=True, failed_attempts=0)])
    assert _png_ok(render.pass_rates_png(rates))
    assert odd in render.attendance_alt(found)  # the alt text is plain text, as typed
