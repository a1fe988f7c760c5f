"""One class run the same way on three playbooks: the shipped one, a team on the older guides
(bot/samples/playbook_older_rules.yml) and a team on the later ones (playbook_later_rules.yml).
Every step the bot proposes is the one that playbook's guide calls for, and none it does not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.settings import SHIPPED_PLAYBOOK
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
from db.models import Role
from tests.class_day.test_training_day import flags, prompt_ts, react
from tests.conftest import AGENTS, DEFAULT_START, STAFF, _empty
from tests.helpers import ANA, BEN, CHLOE, CLASS, TL, import_cohort, reached, text_of
from tests.red_flags.test_red_flags import add_staff

CHI = ZoneInfo("America/Chicago")
SAMPLES = SHIPPED_PLAYBOOK.with_name("samples")
ESP = "U0ESP001"

# What each guide calls for, for the same class: the MIA marks (agent, day, break), the attendance
# step proposed to Ana and Ben, whether an Aetna clock proposes anything, and Producer World.
GUIDES = {
    "shipped": dict(
        path=SHIPPED_PLAYBOOK,
        mias=[("Ana Ruiz", 1, 1), ("Ana Ruiz", 1, 2), ("Ben Okafor", 1, 1)],
        ana="*Verbal coaching*",  # 2 MIAs: 1 point
        ben="*No step yet*",  # 1 MIA: ½ point
        aetna_clock=True,
        producer_world=False,
    ),
    "older": dict(
        path=SAMPLES / "playbook_older_rules.yml",
        mias=[("Ana Ruiz", 1, 1), ("Ana Ruiz", 1, 2), ("Ben Okafor", 1, 1)],
        ana="*Written CAP*",  # 2 lapses
        ben="*Verbal coaching*",  # 1 lapse
        aetna_clock=False,
        producer_world=False,
    ),
    "later": dict(
        path=SAMPLES / "playbook_later_rules.yml",
        mias=[("Ana Ruiz", 1, 2), ("Ben Okafor", 1, 1)],  # only two missed in a row
        ana="*No step yet*",
        ben="*No step yet*",
        aetna_clock=True,
        producer_world=True,
    ),
}


@pytest.fixture(params=sorted(GUIDES))
def guide(
    request: pytest.FixtureRequest, database_url: str, standin: SlackStandIn
) -> Iterator[tuple[World, dict]]:
    standin.reset()
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    wanted = GUIDES[request.param]
    path: Path = wanted["path"]  # type: ignore[assignment]
    w = World(database_url, start=DEFAULT_START, standin=standin, migrate=False, playbook=path)
    try:
        yield w, wanted
    finally:
        w.close()
        _empty(database_url)


def _proposal(world: World, agent: str, title: str) -> str:
    world.driver.command("/coach", f"<@{agent}|a>", user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    lines = [text_of({"blocks": [b]}) for b in view["blocks"]]
    proposals = next(t for t in lines if t.startswith("*Proposed next step*"))
    return next(line for line in proposals.splitlines() if title in line)


def _break(world: World, cid: int, number: int, start: datetime, minutes: int, raised, lowered) -> None:
    world.advance_to(start - timedelta(minutes=5))
    ts = prompt_ts(world, cid, 1, "raise", number)
    for agent in raised:
        react(world, agent, "raised_hand", ts)
    world.advance_to(start + timedelta(minutes=minutes))
    back = prompt_ts(world, cid, 1, "lower", number)
    for agent in lowered:
        react(world, agent, "white_check_mark", back)
    world.advance_to(start + timedelta(minutes=minutes + 6))


def test_a_class_gets_the_steps_its_playbooks_guide_calls_for(guide):
    world, wanted = guide
    cid = import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CHI))
    morning = world.slack.messages(channel=CLASS)[-1]["ts"]
    for agent in (ANA, BEN, CHLOE):
        react(world, agent, "white_check_mark", morning)
    # Break 1: Ana misses the lower, Ben both. Lunch: Ana misses the raise.
    _break(world, cid, 1, datetime(2026, 12, 1, 10, 0, tzinfo=CHI), 15, raised=[ANA, CHLOE], lowered=[CHLOE])
    _break(
        world,
        cid,
        2,
        datetime(2026, 12, 1, 12, 0, tzinfo=CHI),
        30,
        raised=[BEN, CHLOE],
        lowered=[ANA, BEN, CHLOE],
    )
    assert flags(world, "mia") == wanted["mias"]
    assert wanted["ana"] in _proposal(world, ANA, "Attendance Policy")
    assert wanted["ben"] in _proposal(world, BEN, "Attendance Policy")

    # Day 1's pace: Producer World registration comes first where the guide lists it.
    world.driver.command("/progress", "ahip 2", user=CHLOE, channel=CLASS)
    if wanted["producer_world"]:
        world.driver.command("/progress", "pw registered", user=ANA, channel=CLASS)
    world.advance_to(datetime(2026, 12, 1, 17, 30, tzinfo=CHI))
    behind = "\n".join(text_of(m) for m in reached(world, TL) if "Producer World" in text_of(m))
    assert bool(behind) == wanted["producer_world"]
    world.clock.set(datetime(2026, 12, 2, 7, 30, tzinfo=CHI))
    world.run_job("bot.reports.morning_jobs:send_report", "2026-12-02")
    report = text_of(world.slack.dms_to(ESP)[-1])
    assert ("Producer World not done" in report) == wanted["producer_world"]
    if wanted["producer_world"]:
        listed = report.split("Producer World not done")[1].split("*")[1]
        assert "Ben Okafor: Producer World" in listed and "Ana Ruiz" not in listed

    # Ben starts Aetna on Wednesday at 8: 4 training hours later only an Aetna clock proposes a step.
    world.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=CHI))
    world.driver.command("/esp", f"<@{BEN}|ben> aetna=in_progress", user=TL, channel=CLASS)
    world.advance_to(datetime(2026, 12, 2, 12, 46, tzinfo=CHI))
    aetna = [m for m in reached(world, TL) if "on Aetna certification" in text_of(m)]
    assert len(aetna) == (1 if wanted["aetna_clock"] else 0)

    # Every guide gives AHIP 24 training hours: Thursday at 5 PM, a verbal for each agent not done.
    world.advance_to(datetime(2026, 12, 3, 17, 1, tzinfo=CHI))
    ahip = [text_of(m) for m in reached(world, TL) if "training hours on AHIP" in text_of(m)]
    assert len(ahip) == 3 and all("Proposed: *Verbal coaching*" in t for t in ahip)
