"""How fast the bot acknowledges Slack under a burst (Slack gives up after 3 s).

Runs the real app over HTTP against the stand-in on a temporary SQLite database (or
BENCH_DATABASE_URL) and fires N slash commands from W concurrent senders. Prints figures.

    .venv/bin/python -m bench.ack_latency [N] [W]
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.standin.classes import add_staff, big_cohort
from bot.standin.harness import World


def main(n: int = 400, workers: int = 20) -> None:
    logging.getLogger().setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        start = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
        with World(url, start=start, http=True) as world:
            spec = parse_cohort(big_cohort(200), world.ctx.playbook)
            with world.ctx.db.session() as session:
                add_staff(session, world.clock.now())
                cohorts.import_cohort(session, spec, actor="bench", now=world.clock.now())
            texts = ["", "add <@U0AG0001|a> N1000001 10000001", "add bad", "help"]

            def one(i: int) -> float:
                reply = world.driver.command(
                    "/cohort", texts[i % len(texts)], user="U0TL0001", channel="C0BIGCLS1", settle=False
                )
                assert reply.status == 200, reply.status
                return reply.seconds

            began = time.monotonic()
            with ThreadPoolExecutor(workers) as pool:
                seconds = sorted(pool.map(one, range(n)))
            world.settle(60)
            wall = time.monotonic() - began
    ms = [s * 1000 for s in seconds]
    print(f"ack latency over {n} /cohort commands, {workers} concurrent senders, 200-agent cohort, SQLite:")
    print(
        f"  p50 {statistics.median(ms):.1f} ms   p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms   "
        f"max {ms[-1]:.1f} ms   (Slack's limit: 3000 ms)"
    )
    print(f"  all work finished in {wall:.1f} s ({n / wall:.0f} commands/s)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
