"""A 200-agent class's first day, end to end through the stand-in: every agent checks in and
answers every break prompt by reaction (from 20 concurrent senders), the scheduler's jobs run at
their minutes. Prints reaction ack latency, the time each kind of job takes, and the TL's App Home.

    .venv/bin/python -m bench.day_200                 # SQLite in a temp dir
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.day_200
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.standin.classes import add_staff, big_cohort
from bot.standin.harness import World

CH = ZoneInfo("America/Chicago")
N = 200
AGENTS = [f"U0AG{i:04d}" for i in range(1, N + 1)]
CHANNEL = "C0BIGCLS1"


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


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from db.migrate import upgrade

    upgrade(url)


def run(world: World) -> None:
    spec = parse_cohort(big_cohort(N), world.ctx.playbook)
    with world.ctx.db.session() as session:
        add_staff(session, world.clock.now())
        cohorts.import_cohort(session, spec, actor="bench", now=world.clock.now())

    job_seconds: dict[str, list[float]] = defaultdict(list)
    acks: list[float] = []

    def advance(when: datetime) -> None:
        start = world.clock.now()
        for job in world.planned_jobs():
            if start < job.run_at <= when:
                world.clock.set(job.run_at)
                began = time.monotonic()
                world.run_job(job.func, *job.args)
                job_seconds[job.func.split(":")[1]].append(time.monotonic() - began)
        world.clock.set(when)

    def react_all(name: str, ts: str) -> None:
        def one(user: str) -> float:
            reply = world.driver.reaction(user, name, CHANNEL, ts)
            assert reply.status == 200
            return reply.seconds

        with ThreadPoolExecutor(20) as pool:
            acks.extend(pool.map(one, AGENTS))
        world.settle(120)

    day = datetime(2026, 12, 1, tzinfo=CH)
    began = time.monotonic()
    advance(day.replace(hour=8))
    react_all("white_check_mark", world.slack.messages(channel=CHANNEL)[-1]["ts"])
    for hour, minute, length in ((10, 0, 15), (12, 0, 30), (14, 30, 15)):
        start = day.replace(hour=hour, minute=minute)
        advance(start - timedelta(minutes=5))
        react_all("raised_hand", world.slack.messages(channel=CHANNEL)[-1]["ts"])
        advance(start + timedelta(minutes=length))
        react_all("white_check_mark", world.slack.messages(channel=CHANNEL)[-1]["ts"])
    advance(day.replace(hour=18))
    wall = time.monotonic() - began

    home_began = time.monotonic()
    world.driver.event({"type": "app_home_opened", "user": "U0TL0001", "tab": "home", "channel": "D0TL0001"})
    home_seconds = time.monotonic() - home_began
    published = world.slack.calls("views.publish")[-1].args["view"]

    ms = sorted(a * 1000 for a in acks)
    print(
        f"a {N}-agent class's day 1 on {world.ctx.db.engine.dialect.name}: {len(acks)} reactions, "
        f"{sum(len(v) for v in job_seconds.values())} jobs, {wall:.1f} s wall"
    )
    print(
        f"  reaction ack: p50 {statistics.median(ms):.0f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.0f} ms, "
        f"max {ms[-1]:.0f} ms (Slack's limit 3000 ms)"
    )
    for kind, seconds in sorted(job_seconds.items()):
        print(f"  job {kind:<16} runs {len(seconds):>2}, slowest {max(seconds) * 1000:.0f} ms")
    print(
        f"  TL's App Home: {len(published['blocks'])} blocks (limit 100), {home_seconds * 1000:.0f} ms to publish"
    )
    print(
        f"  messages: {len(world.slack.calls('chat.postMessage'))} posted, "
        f"{len(world.slack.rejected())} refused as invalid Block Kit"
    )
    for method, problems in world.slack.rejected():
        print(f"    refused {method}: {'; '.join(problems)[:300]}")


if __name__ == "__main__":
    main()
