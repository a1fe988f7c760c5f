"""Failover on a live, compressed day: three `training-day run` processes over PostgreSQL, the
Slack stand-in (started here) as their Web API. A class whose first break's raise prompt is a few
minutes away is imported; a minute before that prompt the leader is SIGKILLed. Prints the seconds
until a standby leads, the prompts lost and doubled, and the prompt's delay against its planned
minute; then SIGTERMs the new leader (a deploy) and prints how fast the last one takes over.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_ha .venv/bin/python -m bench.failover

The database is wiped. Runs about four minutes, with the default SCHEDULER_TAKEOVER_SECONDS (30)
unless the environment sets another. The class is on UTC: not within 10 minutes of midnight.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.day_200 import _reset_postgres
from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.config.playbook import load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.core import people
from bot.standin.server import SlackStandIn
from db.models import Role
from db.session import Database

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = "C0FAILOVR"
TL, PM = "U0TL0001", "U0PM0001"
REPLICAS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _health(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as error:
        return dict(json.loads(error.read()))
    except OSError:
        return {}


def _class(raise_at: datetime, lead_minutes: int) -> dict[str, Any]:
    break_start = raise_at + timedelta(minutes=lead_minutes)
    day_start = max(break_start.replace(hour=0, minute=0), break_start - timedelta(hours=1))
    return {
        "name": "Failover class",
        "channel": CHANNEL,
        "timezone": "UTC",
        "start_date": break_start.date().isoformat(),
        "days": 1,
        "training_link": "https://example.gotowebinar.com/join/1",
        "team_lead": TL,
        "production_manager": PM,
        "schedule": {
            "day_start": day_start.strftime("%H:%M"),
            "day_end": (break_start + timedelta(minutes=10)).strftime("%H:%M"),
            "breaks": [{"start": break_start.strftime("%H:%M"), "minutes": 5}],
        },
        "agents": [
            {
                "slack_id": f"U0FO{i:04d}",
                "name": f"Agent {i}",
                "n_number": f"N{7000000 + i}",
                "npn": f"{70000000 + i}",
            }
            for i in range(1, 11)
        ],
    }


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    database_url = os.environ.get("BENCH_DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        sys.exit(
            "bench.failover needs BENCH_DATABASE_URL=postgresql+psycopg://... (replicas need PostgreSQL)"
        )
    _reset_postgres(database_url)
    playbook = load_playbook(SHIPPED_PLAYBOOK)
    lead = playbook.attendance.raise_lead_minutes
    now = datetime.now(UTC)
    raise_at = (now + timedelta(seconds=150)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    db = Database(database_url)
    with db.session() as session:
        spec = parse_cohort(_class(raise_at, lead), playbook)
        # Staff first, with their roles, as an admin's `person add` makes them: a cohort gives none.
        for user_id, name, role in ((TL, "Tess Lead", Role.TL), (PM, "Paolo Manager", Role.PM)):
            people.upsert(session, slack_user_id=user_id, name=name, role=role, actor="bench", now=now)
        cohorts.import_cohort(session, spec, actor="bench", now=now)
    db.dispose()

    standin = SlackStandIn().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PLAYBOOK"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET="bench-secret",
        SLACK_API_URL=standin.api_url,
        LOG_LEVEL="WARNING",
    )
    ports = [_free_port() for _ in range(REPLICAS)]
    logs = [open(Path(os.environ.get("TMPDIR", "/tmp")) / f"failover-{i}.log", "w") for i in range(REPLICAS)]  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "run"],
            cwd=ROOT,
            env=env | {"PORT": str(port)},
            stdout=logs[i],
            stderr=subprocess.STDOUT,
        )
        for i, port in enumerate(ports)
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        measure(standin, processes, urls, raise_at)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        standin.stop()
        print(f"  (process logs: {', '.join(f.name for f in logs)})")


def _leaders(urls: list[str], alive: list[int]) -> list[int]:
    return [i for i in alive if _health(urls[i]).get("scheduler") == "leader"]


def measure(
    standin: SlackStandIn, processes: list[subprocess.Popen[bytes]], urls: list[str], raise_at: datetime
) -> None:
    settings_takeover = os.environ.get("SCHEDULER_TAKEOVER_SECONDS", "30")
    print(
        f"{REPLICAS} replicas over PostgreSQL, SCHEDULER_TAKEOVER_SECONDS={settings_takeover}; raise prompt planned {raise_at:%H:%M:%S} UTC"
    )
    alive = list(range(REPLICAS))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (
        all(_health(urls[i]).get("database") == "reachable" for i in alive)
        and len(_leaders(urls, alive)) == 1
    ):
        time.sleep(0.2)
    leaders = _leaders(urls, alive)
    assert len(leaders) == 1, f"expected one leader, found {leaders}"
    roles = [_health(urls[i]).get("scheduler") for i in alive]
    print(
        f"  {len(alive)} replicas serve /healthz ({', '.join(map(str, roles))}); replica {leaders[0]} leads"
    )

    kill_at = raise_at - timedelta(seconds=60)
    time.sleep(max(0.0, (kill_at - datetime.now(UTC)).total_seconds()))
    victim = leaders[0]
    processes[victim].send_signal(signal.SIGKILL)
    killed = time.monotonic()
    alive.remove(victim)
    print(f"  SIGKILL replica {victim} at {datetime.now(UTC):%H:%M:%S} (60 s before the prompt)")
    while not (leaders := _leaders(urls, alive)) and time.monotonic() - killed < 120:
        time.sleep(0.1)
    takeover = time.monotonic() - killed
    print(f"  a standby leads after {takeover:.1f} s (replica {leaders[0] if leaders else '-'})")

    seen_at: dict[str, datetime] = {}
    until = raise_at + timedelta(minutes=2)
    while datetime.now(UTC) < until:
        for message in standin.messages(channel=CHANNEL):
            seen_at.setdefault(message["ts"], datetime.now(UTC))
        time.sleep(0.05)
    prompts = [
        m
        for m in standin.messages(channel=CHANNEL)
        if ":raised_hand:" in str(m.get("blocks")) or "raised_hand" in str(m.get("text"))
    ]
    lost = 0 if prompts else 1
    doubled = max(0, len(prompts) - 1)
    delay = (seen_at[prompts[0]["ts"]] - raise_at).total_seconds() if prompts else float("nan")
    repeats = Counter((m["channel"], m.get("text")) for m in standin.messages())
    print(f"  raise prompt: lost {lost}, doubled {doubled}, posted {delay:+.1f} s from its planned minute")
    print(
        f"  every message: {sum(repeats.values())} posted, {sum(n - 1 for n in repeats.values() if n > 1)} duplicates"
    )

    # A deploy: SIGTERM the leader; it drains and hands over.
    leader = leaders[0]
    processes[leader].send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    alive.remove(leader)
    while not _leaders(urls, alive) and time.monotonic() - stopped < 60:
        time.sleep(0.1)
    handover = time.monotonic() - stopped
    code = processes[leader].wait(30)
    print(f"  SIGTERM to the new leader: exit {code}, the last replica leads after {handover:.1f} s")


if __name__ == "__main__":
    main()
