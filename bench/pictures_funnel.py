"""How long the class funnel takes for 20 classes of 50 agents: the view model from the facts,
then the PNG (matplotlib's Agg canvas); then the same from the records (20 classes imported on a
temporary SQLite, two days held, trackers half done), as a PM's morning gets it. Prints the
figures; not a timed test.

    .venv/bin/python -m bench.pictures_funnel
    .venv/bin/python -m bench.pictures_funnel --no-db   # the rendering only
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.home_1000 import PM, class_spec
from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.core import people
from bot.core.unit_of_work import Caller
from bot.esp_tracker import service as esp
from bot.pictures import render, views
from bot.pictures import service as pictures
from bot.pictures.types import STAGES, AgentStages, ClassStages
from bot.standin.harness import World
from db.models import Cohort, Role

CLASSES, AGENTS, ROUNDS = 20, 50, 5


def _classes(seed: int = 7) -> list[ClassStages]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 2, 14, tzinfo=UTC)
    found = []
    for c in range(CLASSES):
        begin = start + timedelta(days=7 * c)
        cutoffs = [(f"Day {d}", begin + timedelta(days=d - 1, hours=9)) for d in (1, 2, 3)]
        cutoffs.append(("Now", begin + timedelta(days=14)))
        agents = []
        for a in range(AGENTS):
            reached: dict[str, datetime | None] = {}
            at: datetime | None = begin - timedelta(days=1)
            for stage in STAGES:
                reached[stage] = at
                if at is not None:
                    at = at + timedelta(hours=rng.randint(4, 60)) if rng.random() < 0.85 else None
            agents.append(AgentStages(f"Agent {c:02d}-{a:02d}", reached))
        found.append(ClassStages(f"Class {c + 1:02d} - {begin:%b %d}", cutoffs, agents))
    return found


CH = ZoneInfo("America/Chicago")


def _populate(world: World) -> list[int]:
    """The PM's 20 classes of 50 agents, two days held, half the agents through AHIP and Aetna."""
    playbook = world.ctx.playbook
    day1 = datetime(2026, 12, 1, 8, 0, tzinfo=CH)
    ids = []
    for index in range(CLASSES):
        spec = class_spec(index)
        with world.ctx.db.session() as session:
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
            cohort = cohorts.import_cohort(
                session, parse_cohort(spec, playbook), actor="bench", now=day1
            ).cohort
            for day in (1, 2):
                start = day1 + timedelta(days=day - 1)
                attendance.record_prompt(
                    session, cohort_id=cohort.id, day=day, kind="morning", break_no=0, now=start
                )
                attendance.mark_tardy(session, playbook, cohort, day, start + timedelta(minutes=6))
                attendance.mark_absent(session, playbook, cohort, day, start + timedelta(hours=2))
            for n, agent in enumerate(cohorts.active_agents(session, cohort.id)):
                if n % 2 == 0:
                    for item in ("ahip", "aetna"):
                        esp.set_status(
                            session, person=agent, item=item, status="complete", actor=cohort.tl, now=day1
                        )
            ids.append(cohort.id)
    return ids


def from_records() -> None:
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # The live Home's refresh thread follows the tracker updates the set-up writes; on SQLite it
    # may find the file locked by the set-up's long transactions. Nobody has a Home open here.
    logging.getLogger("bot.home.refresh").setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        with World(url, start=datetime(2026, 11, 30, 7, 0, tzinfo=CH)) as world:
            began = time.monotonic()
            ids = _populate(world)
            print(
                f"from the records ({CLASSES} classes x {AGENTS} agents on SQLite, set up in {time.monotonic() - began:.0f} s):"
            )
            world.clock.set(datetime(2026, 12, 3, 7, 0, tzinfo=CH))
            with world.ctx.db.session() as session:
                assert session.get(Cohort, ids[0]) is not None
            reads, draws = [], []
            found: pictures.PictureViews | None = None
            for run_no in range(ROUNDS + 1):
                started = time.perf_counter()
                found = pictures.morning_views(world.ctx, Caller(PM), ids)
                middle = time.perf_counter()
                assert found is not None
                png = render.funnel_png(found.funnel)
                ended = time.perf_counter()
                if run_no:  # the first run warms SQLAlchemy's statement cache
                    reads.append(middle - started)
                    draws.append(ended - middle)
            assert found is not None
            print(
                f"  read the records, the funnel and {len(found.maps)} attendance maps' view models: "
                f"median {statistics.median(reads) * 1000:.0f} ms"
            )
            print(
                f"  funnel PNG ({len(found.funnel.rows)} rows): median {statistics.median(draws) * 1000:.0f} ms, {len(png) / 1024:.0f} KiB"
            )


def main() -> None:
    classes = _classes()
    times_view, times_png, cpu = [], [], []
    size = 0
    for _ in range(ROUNDS):
        started, cpu_started = time.perf_counter(), time.process_time()
        view = views.funnel(classes)
        middle = time.perf_counter()
        png = render.funnel_png(view)
        render.funnel_alt(view)
        ended = time.perf_counter()
        cpu.append(time.process_time() - cpu_started)
        times_view.append(middle - started)
        times_png.append(ended - middle)
        size = len(png)
    best = min(v + p for v, p in zip(times_view, times_png, strict=True))
    print(f"funnel: {CLASSES} classes x {AGENTS} agents, {len(view.rows)} rows x {len(STAGES)} stages")
    print(
        f"  view model: best {min(times_view) * 1000:.1f} ms, median {sorted(times_view)[ROUNDS // 2] * 1000:.1f} ms"
    )
    print(
        f"  PNG render: best {min(times_png) * 1000:.1f} ms, median {sorted(times_png)[ROUNDS // 2] * 1000:.1f} ms"
    )
    print(
        f"  total: best {best * 1000:.1f} ms (CPU {min(cpu) * 1000:.1f} ms); PNG {size / 1024:.0f} KiB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
    if "--no-db" not in sys.argv:
        from_records()
