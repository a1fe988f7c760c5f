"""A burst of 1,000 DMs: five classes of 200 agents get their G2T links at the same minute, sent by
the scheduler's four job threads, against the stand-in enforcing Slack's per-method tiers
(bot/standin/rate_limits.py). Prints the time taken, the API calls per DM, and whether everyone
got exactly one.

    .venv/bin/python -m bench.dm_burst                 # SQLite in a temp dir
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_ha .venv/bin/python -m bench.dm_burst
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.day_200 import _reset_postgres
from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.g2t import links as g2t_links
from bot.standin.classes import big_cohort
from bot.standin.harness import World
from bot.standin.rate_limits import METHOD_TIERS, TIER_PER_MINUTE

CH = ZoneInfo("America/Chicago")
CLASSES, AGENTS = 5, 200


def main() -> None:
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if database_url.startswith("postgresql"):
            _reset_postgres(database_url)
        with World(database_url, start=datetime(2026, 11, 30, 7, 0, tzinfo=CH)) as world:
            run(world)


def _class(number: int) -> dict[str, object]:
    data = big_cohort(AGENTS, channel=f"C0BURST{number:02d}")
    data["name"] = f"Class {number}"
    for agent in data["agents"]:
        i = int(agent["slack_id"][4:])
        agent["slack_id"] = f"U{number}AG{i:04d}"
        agent["n_number"] = f"N{number}{i:06d}"
        agent["npn"] = f"{number}{i:07d}"
    return data


def run(world: World) -> None:
    ids = []
    for number in range(1, CLASSES + 1):
        spec = parse_cohort(_class(number), world.ctx.playbook)
        with world.ctx.db.session() as session:
            ids.append(cohorts.import_cohort(session, spec, actor="bench", now=world.clock.now()).cohort.id)
    world.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=CH))  # the links' minute: a day before class
    world.slack.reset()
    world.slack.enforce_rate_limits()

    began = time.monotonic()
    with ThreadPoolExecutor(4) as pool:  # APScheduler's executor in scheduler/runner.py
        sent = sum(len(names) for names in pool.map(lambda cid: g2t_links.deliver_links(world.ctx, cid), ids))
    wall = time.monotonic() - began

    calls = world.slack.calls()
    per_method = Counter(c.method for c in calls)
    limited = Counter(c.method for c in calls if c.status == 429)
    dms = Counter(m["channel"] for m in world.slack.messages() if m["channel"].startswith("D"))
    expected = CLASSES * AGENTS
    print(
        f"{expected} G2T DMs ({CLASSES} classes x {AGENTS}) on {world.ctx.db.engine.dialect.name}, Slack's tiers enforced"
    )
    print(f"  time taken: {wall:.1f} s ({expected / wall:.0f} DMs/s)")
    print(
        f"  reached: {len(dms)} agents, {sum(1 for n in dms.values() if n > 1)} more than once, {expected - len(dms)} missed"
    )
    print(
        f"  API calls: {len(calls)} ({len(calls) / expected:.2f} per DM): "
        + ", ".join(f"{m} {n}" for m, n in per_method.items())
    )
    print(f"  429 answers: {sum(limited.values())}")
    tier3 = TIER_PER_MINUTE[METHOD_TIERS["conversations.open"]]
    print(
        f"  (one conversations.open per DM, as before, is Tier 3: {tier3}/min, so {expected} DMs would have "
        f"taken at least {expected / tier3:.0f} minutes)"
    )
    assert sent == expected and len(dms) == expected and max(dms.values()) == 1


if __name__ == "__main__":
    main()
