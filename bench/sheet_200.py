"""The Google Sheet sync for a 200-agent class on the Sheets API stand-in: the first push (every
row appended), a push with nothing new (what runs every 20 seconds), a push after one /esp, and a
pull. Prints the time each takes and the write requests sent.

    .venv/bin/python -m bench.sheet_200
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.core import people
from bot.demo.sheet import HEADER, SHEET_ID, TAB
from bot.esp_tracker import service as esp
from bot.sheet_sync import pull as sheet_pull
from bot.sheet_sync import push as sheet_push
from bot.standin.classes import add_staff, big_cohort
from bot.standin.harness import World
from bot.standin.sheets import SheetsStandIn

CH = ZoneInfo("America/Chicago")


def main() -> None:
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    sheets = SheetsStandIn().start()
    sheets.add_spreadsheet(SHEET_ID, TAB, [HEADER])
    settings = {
        "tracker_sheet_id": SHEET_ID,
        "google_service_account_json": json.dumps(sheets.service_account_key()),
        "sheets_api_url": sheets.api_url,
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        with World(url, start=datetime(2026, 12, 2, 10, 0, tzinfo=CH), extra_settings=settings) as world:
            spec = parse_cohort(big_cohort(200), world.ctx.playbook)
            with world.ctx.db.session() as session:
                add_staff(session, world.clock.now())
                cohorts.import_cohort(session, spec, actor="bench", now=world.clock.now())

            def timed(label: str, run):  # type: ignore[no-untyped-def]
                writes = len(sheets.writes())
                began = time.monotonic()
                result = run(world.ctx)
                took = time.monotonic() - began
                print(f"{label:>32}: {took:.2f} s, {len(sheets.writes()) - writes} write request(s)")
                world.clock.advance(timedelta(seconds=20))
                return result

            timed("first push (200 rows appended)", sheet_push.push)
            timed("push with nothing new", sheet_push.push)
            with world.ctx.db.session() as session:
                agent = people.require_person(session, "U0AG0100")
                esp.set_status(
                    session, person=agent, item="aetna", status="complete", actor=None, now=world.clock.now()
                )
            timed("push after one tracker change", sheet_push.push)
            timed("pull (one batchGet)", sheet_pull.pull)
            rows = sheets.rows(SHEET_ID, TAB)
            print(f"{'sheet':>32}: {len(rows) - 1} agent rows, {len(sheets.metadata(SHEET_ID))} row tags")
    sheets.stop()


if __name__ == "__main__":
    main()
