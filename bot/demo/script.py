"""Runs every demo part in order on a temporary SQLite database and the stand-in."""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

import bot.demo.part_accountability
import bot.demo.part_day
import bot.demo.part_day_end
import bot.demo.part_esp
import bot.demo.part_help
import bot.demo.part_redflag
from bot.demo import part_setup
from bot.demo.stage import AGENTS, CAST, Stage
from bot.standin.harness import World

# Later capabilities append their parts here, in the order a class lives them.
PARTS = [part_setup]
PARTS.insert(1, bot.demo.part_day)  # the day runs itself, morning to the first break (issue 3)
PARTS.append(bot.demo.part_help)  # help all day (issue 3)
PARTS.append(bot.demo.part_accountability)  # a coaching and a failed exam (issue 4)
PARTS.append(bot.demo.part_redflag)  # a red flag resolved, the TL's App Home (issue 5)

PARTS.append(bot.demo.part_day_end)  # the end-of-day attendance DM (issue 3)
PARTS.append(bot.demo.part_esp)  # day 3: tracking forms, ESP-complete, the PM's DM (issue 5); keep last

# The Friday before the sample class starts (Tue Dec 1), mid-morning in Chicago.
DEMO_START = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


def run_demo(out: TextIO) -> int:
    # The transcript is the output; library chatter (migrations, Bolt) would bury it.
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="training-day-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        out.write("Training Day demo: a local Slack stand-in, a temporary SQLite database, a scripted class.\n")
        with World(url, start=DEMO_START) as world:
            for user_id, name in {**AGENTS, **{k: v.split(' (')[0] for k, v in CAST.items()}}.items():
                world.slack.add_user(user_id, name)
            stage = Stage(world, out)
            for part in PARTS:
                part.play(stage)
    out.write(f"\nDemo finished in {time.monotonic() - started:.1f} s.\n")
    return 0
