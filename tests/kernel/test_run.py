"""`training-day run` as an operator starts it: real processes serving HTTP on PORT against the
stand-in; one leads the scheduler, the others stand by and take over when it dies."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.standin.driver import SlackDriver
from tests.helpers import replies_in

ROOT = Path(__file__).resolve().parents[2]
SECRET = "run-test-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path, standin, port: int, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "PLAYBOOK"))}
    env.update(
        PORT=str(port),
        DATABASE_URL=database_url or f"sqlite:///{tmp_path / 'run.db'}",
        SLACK_BOT_TOKEN="xoxb-run",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=standin.api_url,
        LOG_LEVEL="WARNING",
    )
    return env


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"run exited early: {process.communicate()[1]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("run never became healthy")


@pytest.fixture
def running(tmp_path, standin):
    standin.reset()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=_env(tmp_path, standin, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_run_serves_slack_over_http(running, standin):
    driver = SlackDriver(running, SECRET, standin)
    reply = driver.command("/cohort", "", user="U0STRANGER", channel="C0CLASS01")
    assert reply.status == 200 and reply.seconds < 3
    deadline = time.monotonic() + 10
    while not replies_in(standin, reply) and time.monotonic() < deadline:
        time.sleep(0.05)
    [answer] = replies_in(standin, reply)
    assert "I don't know you yet" in answer
    assert [c.method for c in standin.calls("auth.test")] == ["auth.test"]


def test_run_answers_both_probes(running):
    for path in ("/livez", "/readyz"):
        with urllib.request.urlopen(f"{running}{path}", timeout=2) as response:
            assert response.status == 200 and json.loads(response.read())["ok"] is True


def _health(url: str) -> dict:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def _start(tmp_path, standin, port: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=_env(tmp_path, standin, port) | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _until(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def test_a_second_process_serves_slack_and_stands_by_for_the_scheduler(running, tmp_path, standin):
    port = _free_port()
    second = _start(tmp_path, standin, port)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, second)
        assert _until(lambda: _health(running).get("scheduler") == "leader", 10)
        report = _health(url)
        assert report["scheduler"] == "standby" and report["database"] == "reachable"
        assert report["outbox"] == {"failed": 0, "dead": 0}
        driver = SlackDriver(url, SECRET, standin)
        assert driver.command("/cohort", "", user="U0STRANGER", channel="C0CLASS01").status == 200
    finally:
        second.terminate()
        _, err = second.communicate(timeout=20)
    assert second.returncode == 0, err


def test_metrics_count_acks_per_listener(running, standin):
    assert _until(lambda: _health(running).get("scheduler") == "leader", 10)
    SlackDriver(running, SECRET, standin).command("/cohort", "", user="U0STRANGER", channel="C0CLASS01")
    with urllib.request.urlopen(f"{running}/metrics", timeout=2) as response:
        exposition = response.read().decode()
    assert 'training_day_ack_seconds_count{listener="/cohort"} 1.0' in exposition
    assert "training_day_leader_changes_total 1.0" in exposition
    assert 'training_day_outbox_messages_total{status="dead"} 0.0' in exposition


@pytest.fixture
def two_replicas(database_url, tmp_path, standin):  # type: ignore[no-untyped-def]
    """Two `run` processes over PostgreSQL: (urls, processes, leader index) once one leads."""
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas need PostgreSQL; SQLite is the single-process default")
    standin.reset()
    fast = {"SCHEDULER_TAKEOVER_SECONDS": "3", "DATABASE_URL": database_url}
    ports = [_free_port(), _free_port()]
    processes = [_start(tmp_path, standin, port, **fast) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, process in zip(urls, processes, strict=True):
            _wait_healthy(url, process)
        assert _until(
            lambda: sorted(_health(u).get("scheduler", "") for u in urls) == ["leader", "standby"], 8
        )
        yield urls, processes, next(i for i, u in enumerate(urls) if _health(u)["scheduler"] == "leader")
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
            process.communicate(timeout=20)


def test_a_standby_takes_over_within_seconds_of_a_sigkilled_leader(two_replicas):
    """Over PostgreSQL the lock dies with the leader's connection: no TTL to wait out."""
    urls, processes, leader = two_replicas
    other = 1 - leader
    processes[leader].send_signal(signal.SIGKILL)
    processes[leader].wait(5)
    killed = time.monotonic()
    # SCHEDULER_TAKEOVER_SECONDS=3 here: a 1 s poll, then the new scheduler's start (slower on a
    # busy machine, hence the margin).
    assert _until(lambda: _health(urls[other]).get("scheduler") == "leader", 10)
    assert time.monotonic() - killed < 10
    report = _health(urls[other])
    assert report["ok"] and report["loop"] == "alive" and report["last_tick"]


def test_a_sigtermed_leader_hands_over_within_seconds(two_replicas):
    urls, processes, leader = two_replicas
    other = 1 - leader
    processes[leader].terminate()
    stopped = time.monotonic()
    assert _until(lambda: _health(urls[other]).get("scheduler") == "leader", 10)
    assert time.monotonic() - stopped < 10
    assert processes[leader].wait(15) == 0


def test_a_crashed_bot_started_again_serves_at_once_and_stands_by(running, tmp_path, standin):
    """SQLite: the dead process's lease blocks the scheduler for its TTL, never Slack."""
    assert _until(lambda: _health(running).get("scheduler") == "leader", 10)
    pid = int(_health(running)["process"].split(":")[1])
    os.kill(pid, signal.SIGKILL)
    port = _free_port()
    again = _start(tmp_path, standin, port)
    url = f"http://127.0.0.1:{port}"
    try:
        # Well inside the dead lease's 90 s TTL, so serving did not wait for it, even on a loaded machine.
        _wait_healthy(url, again, seconds=30)
        assert _health(url)["scheduler"] == "standby"
        driver = SlackDriver(url, SECRET, standin)
        assert driver.command("/cohort", "", user="U0STRANGER", channel="C0CLASS01").status == 200
    finally:
        again.terminate()
        # A standby's SIGTERM waits for its lease poll; on a loaded machine give it room.
        again.communicate(timeout=45)


def test_a_token_slack_rejects_is_named_without_a_traceback(tmp_path, standin):
    standin.reset()
    standin.fail("auth.test", error="invalid_auth")
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=_env(tmp_path, standin, _free_port()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Slack did not accept SLACK_BOT_TOKEN" in result.stderr and "invalid_auth" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stopped_bot_releases_the_scheduler_for_the_next_one(tmp_path, standin):
    """A deploy: SIGTERM to the running bot, and the new process starts at once (no lock wait)."""
    standin.reset()
    for _ in range(2):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "run"],
            cwd=tmp_path,
            env=_env(tmp_path, standin, port),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", process)
        finally:
            process.terminate()
            _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err


def test_a_socket_mode_token_slack_rejects_is_named_without_a_traceback(tmp_path, standin):
    standin.reset()
    standin.fail("apps.connections.open", error="invalid_auth")
    env = _env(tmp_path, standin, _free_port()) | {"SLACK_APP_TOKEN": "xapp-bad"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Socket Mode" in result.stderr and "invalid_auth" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_in_socket_mode_answers_a_slash_command(tmp_path, standin):
    """The trial set-up from the README: SLACK_APP_TOKEN set, no public URL. The stand-in hands out
    a WebSocket and delivers a slash command over it, as Slack does."""
    standin.reset()
    env = _env(tmp_path, standin, _free_port()) | {"SLACK_APP_TOKEN": "xapp-trial"}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = standin.socket_mode
        assert endpoint.connected.wait(20), "the bot never opened its Socket Mode connection"
        token = "socketcmd1"
        envelope = endpoint.send(
            "slash_commands",
            {
                "token": "legacy",
                "team_id": "T0TRAIN01",
                "channel_id": "C0CLASS01",
                "user_id": "U0STRANGER",
                "user_name": "stranger",
                "command": "/cohort",
                "text": "",
                "api_app_id": "A0TRAINDAY",
                "response_url": f"{standin.url}/response/{token}",
                "trigger_id": "trigger-1",
            },
        )
        assert endpoint.ack(envelope, timeout=3) is not None  # acknowledged inside Slack's 3 seconds
        deadline = time.monotonic() + 10
        while not [r for r in standin.responses() if r.token == token] and time.monotonic() < deadline:
            time.sleep(0.05)
        [answer] = [r.payload for r in standin.responses() if r.token == token]
        assert "I don't know you yet" in answer["text"]
        # No HTTP for Slack, but /healthz and /metrics on PORT; the ack was timed all the same.
        url = f"http://127.0.0.1:{env['PORT']}"
        assert _health(url)["database"] == "reachable"
        with urllib.request.urlopen(f"{url}/metrics", timeout=2) as response:
            assert 'training_day_ack_seconds_count{listener="/cohort"} 1.0' in response.read().decode()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
