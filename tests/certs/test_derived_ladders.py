"""A carrier or TBT course without a ladder of its own gets one fitted to its attempt limit; an own
ladder that is false for its exam is refused at start, naming the exam."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.config.playbook import PlaybookError, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.standin.harness import World
from tests.conftest import AGENTS, DEFAULT_START, STAFF, _empty
from tests.helpers import (
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
LICENSING = "U0LIC0001"


def _ladder(limit: int, tbt: bool = False) -> list[tuple[int, str, str, bool]]:
    playbook = shipped_playbook()
    if tbt:
        raw = playbook.model_dump()
        raw["failed_certs"]["tbt_courses"] = [
            {"key": "tbt_systems", "name": "TBT Systems", "attempts": limit}
        ]
        playbook = type(playbook).model_validate(raw)
        exam = playbook.exam("tbt_systems")
    else:
        exam = playbook.exam("aetna").model_copy(update={"attempts": limit})
    return [
        (s.attempt, s.coaching, s.text.format(carrier=exam.name), playbook.proctored_next(exam, s.attempt))
        for s in playbook.fail_ladder(exam)
    ]


def test_a_limit_of_three_keeps_the_guides_own_words():
    ladder = _ladder(3)
    assert [(a, level, proctored) for a, level, _, proctored in ladder] == [
        (1, "verbal", False),
        (2, "written", True),
        (3, "final", False),
    ]
    assert ladder[0][2] == "Verbal coaching and a warning: the next fail means a Written CAP."
    assert ladder[1][2].startswith("Written CAP; the last attempt must be proctored")


def test_a_tbt_course_of_two_blocks_with_a_final_cap_at_the_second_fail():
    ladder = _ladder(2, tbt=True)
    assert [(a, level, proctored) for a, level, _, proctored in ladder] == [
        (1, "verbal", True),
        (2, "final", False),
    ]
    first = ladder[0][2]
    assert "Written CAP" not in first
    assert "the last attempt must be proctored" in first
    assert "failing it means a Final CAP and no more TBT Systems attempts this year" in first
    assert ladder[1][2].startswith("Final CAP; the agent cannot sell for TBT Systems")


def test_a_limit_of_four_tells_the_licensing_team_at_the_third_fail_not_the_second():
    ladder = _ladder(4)
    assert [(a, level, proctored) for a, level, _, proctored in ladder] == [
        (1, "verbal", False),
        (2, "written", False),
        (3, "written", True),
        (4, "final", False),
    ]
    assert ladder[0][2] == "Verbal coaching and a warning: the next fail leads to Written CAP."
    assert ladder[1][2] == "Written CAP and a warning: 2 attempts are left."
    assert "proctored" not in ladder[1][2]
    assert ladder[2][2].startswith("Written CAP; the last attempt must be proctored")


def test_a_limit_of_six_proctors_only_the_sixth_attempt():
    ladder = _ladder(6)
    assert [level for _, level, _, _ in ladder] == [
        "verbal",
        "written",
        "written",
        "written",
        "written",
        "final",
    ]
    assert [proctored for *_, proctored in ladder] == [False, False, False, False, True, False]
    assert ["proctored" in text for _, _, text, _ in ladder] == [False, False, False, False, True, False]
    assert "4 attempts are left" in ladder[1][2]


def _playbook_with(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    change(raw)
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    ("steps", "attempts", "message"),
    [
        ([{"attempt": 1, "coaching": "verbal", "text": "Verbal."}], 3, "needs a step for attempt 3"),
        (
            [{"attempt": n, "coaching": "final", "text": "x"} for n in (1, 2, 3, 4)],
            3,
            "a step for attempt 4, but it allows 3",
        ),
        (
            [
                {
                    "attempt": 1,
                    "coaching": "written",
                    "text": "Written CAP; the last attempt is proctored.",
                    "proctored_next": True,
                },
                {"attempt": 3, "coaching": "final", "text": "Final CAP."},
            ],
            3,
            "the proctored attempt is the last (3)",
        ),
    ],
)
def test_an_own_ladder_false_for_its_exam_is_refused_at_start_naming_it(tmp_path, steps, attempts, message):
    def change(raw):
        raw["carriers"][1].update({"attempts": attempts, "steps": steps})

    with pytest.raises(PlaybookError) as refused:
        load_playbook(_playbook_with(tmp_path, change))
    assert "exam aetna" in str(refused.value) and message in str(refused.value)


@pytest.fixture
def four_attempt_world(database_url, standin, tmp_path) -> Iterator[World]:
    def change(raw):
        raw["carriers"][1]["attempts"] = 4
        raw["failed_certs"]["licensing_team"] = LICENSING

    standin.reset()
    for user_id, name in {**STAFF, **AGENTS, LICENSING: "Lee Licensing"}.items():
        standin.add_user(user_id, name)
    world = World(
        database_url,
        start=DEFAULT_START,
        standin=standin,
        migrate=False,
        playbook=_playbook_with(tmp_path, change),
    )
    try:
        yield world
    finally:
        world.close()
        _empty(database_url)


def test_a_four_attempt_carrier_through_the_app(four_attempt_world):
    world = four_attempt_world
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=CHI))
    answers = []
    for n in range(4):
        reply = world.driver.command("/failcert", f"<@{BEN}|ben> aetna {60 + n}", user=TL, channel=CLASS)
        [answer] = replies(world, reply)
        answers.append(answer)
        told = [text_of(m) for m in notices_to(world, LICENSING)]
        assert len(told) == (1 if n >= 2 else 0), (n, told)
    assert "proctored" not in answers[1] and "Proposed coaching: *Written CAP*" in answers[1]
    assert "The next Aetna attempt (the last) must be proctored" in answers[2]
    assert "Ben Okafor's next Aetna attempt must be proctored" in told[0]
    assert "blocked for Aetna" in answers[3] and "Proposed coaching: *Final CAP*" in answers[3]
    assert any("4th of 4" in text_of(m) for m in reached(world, PM))  # the PM's digest after lunch
