"""The timed rules on a 200-agent class: how long the day plan takes to derive (every agent's mark
moments on every clock are part of it) and how long one clock check takes, with half the agents
on their TBTs and a quarter with the Call Cert started.

    .venv/bin/python -m bench.timed_rules_200
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.esp_tracker import service as esp
from bot.standin.classes import add_staff, big_cohort
from bot.standin.harness import World
from scheduler import plan

CH = ZoneInfo("America/Chicago")
N = 200


def main() -> None:
    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        with World(
            f"sqlite:///{Path(tmp) / 'bench.db'}", start=datetime(2026, 11, 30, 7, 0, tzinfo=CH)
        ) as world:
            run(world)


def run(world: World) -> None:
    spec = parse_cohort(big_cohort(N), world.ctx.playbook)
    with world.ctx.db.session() as session:
        add_staff(session, world.clock.now())
        cohort = cohorts.import_cohort(session, spec, actor="bench", now=world.clock.now())
        cohort_id = cohort.cohort.id
    world.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CH))
    with world.ctx.db.session() as session:
        for n, agent in enumerate(cohorts.active_agents(session, cohort_id)):
            if n % 2 == 0:
                esp.set_status(
                    session,
                    person=agent,
                    item="tbt",
                    status=esp.IN_PROGRESS,
                    actor=None,
                    now=world.clock.now(),
                )
            if n % 4 == 0:
                esp.set_status(
                    session,
                    person=agent,
                    item="callcert",
                    status=esp.IN_PROGRESS,
                    actor=None,
                    now=world.clock.now(),
                )
    plans, checks = [], []
    for _ in range(3):
        began = time.monotonic()
        with world.ctx.db.session() as session:
            jobs = plan.plan_cohort(cohorts.by_id(session, cohort_id), world.ctx.playbook)
        plans.append(time.monotonic() - began)
    clock_jobs = [j for j in jobs if ":ahip-clock:" in j.id]
    world.clock.set(datetime(2026, 12, 3, 17, 0, tzinfo=CH))
    enqueued = []
    for _ in range(3):
        began = time.monotonic()
        enqueued.append(world.run_job("bot.progress.ahip_clock_jobs:ahip_clock_check", cohort_id))
        checks.append(time.monotonic() - began)
    print(f"agents: {N}, clocks: {len(world.ctx.playbook.clocks())}")
    print(f"planned jobs for the class: {len(jobs)} ({len(clock_jobs)} clock checks)")
    print(f"plan the class: median {statistics.median(plans):.2f} s (of {len(plans)})")
    print(
        f"one clock check: first {checks[0]:.2f} s ({enqueued[0]} DMs enqueued and sent through the stand-in), "
        f"then {statistics.median(checks[1:]):.2f} s median ({enqueued[1]} enqueued: each mark once)"
    )


if __name__ == "__main__":
    main()
