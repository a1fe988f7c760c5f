"""App Home for a PM with 20 classes of 50 agents (1,000 agents) among 100 classes: the time to
build the view and to publish it (an app_home_opened through the stand-in), each the median of
several runs. Each class has held two days (tardy, absent and MIA marks), a tracker half done, red
flags, coachings and a help request.

    .venv/bin/python -m bench.home_1000
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.home_1000
    BENCH_REUSE=1 BENCH_DATABASE_URL=... .venv/bin/python -m bench.home_1000   # measure again, no set-up
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.day_200 import _reset_postgres
from bot.class_day import attendance
from bot.coaching import service as coaching
from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.core import people
from bot.esp_tracker import service as esp
from bot.help_queue import service as help_queue
from bot.home import service as home
from bot.red_flags import service as red_flags
from bot.standin.harness import World
from db.models import Role

CH = ZoneInfo("America/Chicago")
CLASSES, PER_CLASS, PM_CLASSES = 100, 50, 20
PM = "U0PMBIG01"
RUNS = 5


def class_spec(index: int) -> dict[str, Any]:
    first = index * PER_CLASS
    return {
        "name": f"Class {index:03d}",
        "channel": f"C0CLS{index:04d}",
        "timezone": "America/Chicago",
        "start_date": "2026-12-01",
        "days": 3,
        "training_link": "https://example.gotowebinar.com/join/1",
        "team_lead": f"U0TL{index % 10:05d}",
        "production_manager": PM if index < PM_CLASSES else f"U0PM{index:05d}",
        "agents": [
            {
                "slack_id": f"U0A{first + i:06d}",
                "name": f"Agent {first + i}",
                "n_number": f"N{1000000 + first + i}",
                "npn": f"{10000000 + first + i}",
            }
            for i in range(PER_CLASS)
        ],
    }


def populate(world: World) -> None:
    playbook = world.ctx.playbook
    day1 = datetime(2026, 12, 1, 8, 0, tzinfo=CH)
    with world.ctx.db.session() as session:
        # A cohort gives nobody a role: staff are set up first, as an admin would.
        for index in range(CLASSES):
            spec = class_spec(index)
            for user_id, role in ((spec["team_lead"], Role.TL), (spec["production_manager"], Role.PM)):
                if people.by_slack_id(session, user_id) is None:
                    people.upsert(
                        session,
                        slack_user_id=user_id,
                        name=f"Staff {user_id}",
                        role=role,
                        actor="bench",
                        now=day1,
                    )
    for index in range(CLASSES):
        with world.ctx.db.session() as session:
            result = cohorts.import_cohort(
                session, parse_cohort(class_spec(index), playbook), actor="bench", now=day1
            )
            cohort = result.cohort
            tl = cohort.tl
            for day in (1, 2):
                start = day1 + timedelta(days=day - 1)
                attendance.record_prompt(
                    session, cohort_id=cohort.id, day=day, kind="morning", break_no=0, now=start
                )
                attendance.mark_tardy(session, playbook, cohort, day, start + timedelta(minutes=6))
                attendance.mark_absent(session, playbook, cohort, day, start + timedelta(hours=2))
            agents = cohorts.active_agents(session, cohort.id)
            for n, agent in enumerate(agents):
                if n % 2 == 0:
                    esp.set_status(session, person=agent, item="ahip", status="complete", actor=tl, now=day1)
                    esp.set_status(
                        session, person=agent, item="tbt", status="in_progress", actor=tl, now=day1
                    )
            for agent in agents[:2]:
                red_flags.raise_flag(
                    session,
                    agent=agent,
                    raised_by=tl,
                    description="Background check",
                    category=None,
                    now=day1,
                    cohort=cohort,
                )
            help_queue.enqueue(
                session,
                help_queue.Requester(agents[3], cohorts.active_enrollments(session, cohort.id)[3]),
                source="needhelp",
                text="No audio",
                topic_key=None,
                now=day1,
            )
            coaching.record(
                session,
                agent=agents[4],
                policy="attendance",
                level="verbal",
                incident="Tardy on day 1",
                expectation=None,
                actor=tl,
                now=day1,
                playbook=playbook,
            )


def run(world: World, *, reuse: bool = False) -> None:
    began = time.monotonic()
    if not reuse:
        populate(world)
    print(
        f"{CLASSES} classes of {PER_CLASS} agents on {world.ctx.db.engine.dialect.name}: set up in {time.monotonic() - began:.0f} s"
    )
    now = datetime(2026, 12, 2, 15, 0, tzinfo=CH)
    world.clock.set(now)
    builds, cpu, publishes = [], [], []
    view: dict[str, Any] = {}
    for run_no in range(RUNS + 1):
        t0, c0 = time.monotonic(), time.process_time()
        with world.ctx.db.session() as session:
            view = home.view_for(session, world.ctx.playbook, PM, world.clock.now())
        if run_no == 0:
            continue  # the first run warms the connection pool and SQLAlchemy's statement cache
        builds.append(time.monotonic() - t0)
        cpu.append(time.process_time() - c0)
        t0 = time.monotonic()
        world.driver.event({"type": "app_home_opened", "user": PM, "tab": "home", "channel": "D0PM"})
        publishes.append(time.monotonic() - t0)
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, PM)
        assert person is not None and person.role == Role.PM
    print(
        f"  PM's Home ({PM_CLASSES} classes, {PM_CLASSES * PER_CLASS} agents): {len(view['blocks'])} blocks (limit 100)"
    )
    print(
        f"  build the view: median {statistics.median(builds) * 1000:.0f} ms, max {max(builds) * 1000:.0f} ms "
        f"(of which our own CPU: median {statistics.median(cpu) * 1000:.0f} ms)"
    )
    print(
        f"  app_home_opened to views.publish: median {statistics.median(publishes) * 1000:.0f} ms, "
        f"max {max(publishes) * 1000:.0f} ms (goal 500 ms)"
    )
    print(f"  views.publish refused: {len(world.slack.rejected())}; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        # BENCH_REUSE=1: measure again on the classes a previous run left in BENCH_DATABASE_URL.
        reuse = bool(os.environ.get("BENCH_REUSE")) and database_url.startswith("postgresql")
        if database_url.startswith("postgresql") and not reuse:
            _reset_postgres(database_url)
        with World(database_url, start=datetime(2026, 11, 30, 7, 0, tzinfo=CH)) as world:
            run(world, reuse=reuse)


if __name__ == "__main__":
    main()
