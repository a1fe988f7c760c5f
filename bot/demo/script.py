"""Runs every demo part in order on a temporary SQLite database and the stand-in."""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.demo import (
    part_accountability,
    part_day,
    part_day_end,
    part_esp,
    part_g2t,
    part_help,
    part_hr_records,
    part_pictures,
    part_redflag,
    part_setup,
)
from bot.demo.sheet import start_sheet
from bot.demo.stage import AGENTS, CAST, Stage
from bot.standin.g2t import G2TStandIn
from bot.standin.harness import World

# In the order a class lives them; the ESP part (day 3, the PM's DM) stays the class's last. The
# GoTo Training part follows with a second class the next week; the first class's pictures end it.
PARTS = [
    part_setup,
    part_day,
    part_help,
    part_accountability,
    part_redflag,
    part_hr_records,
    part_day_end,
    part_esp,
    part_g2t,
    part_pictures,
]

# The Friday before the sample class starts (Tue Dec 1), mid-morning in Chicago.
DEMO_START = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


def run_demo(out: TextIO, pictures_dir: Path | None = None) -> int:
    """`pictures_dir`: where the class's pictures are saved (a new temporary folder, kept, when None)."""
    # The transcript is the output; library chatter (migrations, Bolt) would bury it.
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="training-day-demo-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        out.write(
            "Training Day demo: a local Slack stand-in, a temporary SQLite database, a scripted class.\n"
        )
        sheets, sheet_settings = start_sheet()
        g2t = G2TStandIn().start()
        try:
            with World(url, start=DEMO_START, extra_settings=sheet_settings, g2t=g2t) as world:
                for user_id, name in {**AGENTS, **{k: v.split(" (")[0] for k, v in CAST.items()}}.items():
                    world.slack.add_user(user_id, name)
                folder = pictures_dir or Path(tempfile.mkdtemp(prefix="training-day-pictures-"))
                stage = Stage(world, out, sheets, folder)
                for part in PARTS:
                    part.play(stage)
        finally:
            sheets.stop()
            g2t.stop()
    out.write(f"\nDemo finished in {time.monotonic() - started:.1f} s.\n")
    return 0
