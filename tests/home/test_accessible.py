"""Accessible: a status is never a glyph alone (its words come with it), and a button whose text
alone is ambiguous on a list of agents says whom it is for (accessibility_label)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack import ids
from tests.helpers import BEN, CHLOE, CLASS, TL, import_cohort, text_of
from tests.home.test_app_home import open_home

CH = ZoneInfo("America/Chicago")


def _elements(blocks: list[dict]) -> list[dict]:
    found = []
    for block in blocks:
        found += block.get("elements", []) + ([block["accessory"]] if "accessory" in block else [])
    return [e for e in found if e.get("type") == "button"]


def test_statuses_on_the_home_and_the_class_tracker_carry_words(world):
    world.clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=CH))
    import_cohort(world)
    world.driver.command("/esp", f"<@{BEN}|ben> ahip=complete aetna=in_progress", user=TL, channel=CLASS)
    world.driver.command("/redflag", f"<@{BEN}|ben> license No license in Texas", user=TL, channel=CLASS)
    world.driver.command("/needhelp", "citrix", user=CHLOE, channel=CLASS)
    view = open_home(world, TL)
    shown = text_of(view)
    [ben] = [line for line in shown.splitlines() if line.startswith("*Ben Okafor*")]
    assert "AHIP ✓ done · Aetna … in progress · TBT ○ not started" in ben
    assert ":triangular_flag_on_post: 1 open red flag" in ben
    [chloe] = [line for line in shown.splitlines() if line.startswith("*Chloe Martin*")]
    assert ":raising_hand: in the help queue" in chloe
    [resolve] = [b for b in _elements(view["blocks"]) if b["action_id"] == ids.ACTION_REDFLAG_RESOLVE]
    assert resolve["accessibility_label"] == "Resolve the red flag for Ben Okafor"

    world.driver.command("/esp", "class", user=TL, channel=CLASS)
    [table] = [text_of(r.payload) for r in world.slack.responses() if "ESP tracker:" in text_of(r.payload)][
        -1:
    ]
    assert "*Ben Okafor*: :white_check_mark: AHIP complete · :large_blue_circle: Aetna in progress" in table


def test_per_agent_buttons_say_whom_they_are_for(world):
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    [morning] = [m for m in world.slack.messages(channel=CLASS) if "Good morning" in text_of(m)]
    for agent in ("U0AG0001", BEN, CHLOE):
        world.driver.reaction(agent, "white_check_mark", CLASS, morning["ts"])
    world.advance_to(datetime(2026, 12, 1, 10, 21, tzinfo=CH))  # nobody raised a hand: all MIA
    [card] = [m for m in world.slack.dms_to(TL) if "marked *MIA*" in text_of(m)]
    labels = [b.get("accessibility_label") for b in _elements(card["blocks"])]
    assert "Excuse Ben Okafor" in labels and "Mark Ben Okafor present" in labels
    assert all(labels)

    world.driver.command("/needhelp", "citrix", user=CHLOE, channel=CLASS)
    [help_card] = [m for m in world.slack.dms_to(TL) if "needs help" in text_of(m)]
    [claim] = _elements(help_card["blocks"])
    assert claim["accessibility_label"] == "Claim Chloe Martin's help request"
