"""What an operator watches: /healthz says who leads and fails when the leader's scheduler is dead,
/metrics counts in Prometheus' format, and logs can be JSON lines."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import text

from bot.core import outbox
from bot.core.logs import JsonFormatter
from bot.slack.web import make_wsgi
from scheduler import leadership, runner


def _get(app, path: str) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    captured = {}
    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, lambda s, h: captured.update(status=s)))
    return captured["status"], body


def test_healthz_names_the_leader_and_fails_when_its_scheduler_loop_is_dead(world):
    coordinator = leadership.Coordinator(world.ctx, poll_seconds=0.1, paused=True)
    standby = leadership.Coordinator(world.ctx, poll_seconds=0.1, paused=True)
    try:
        coordinator.step()
        standby.step()
        status, body = _get(make_wsgi(world.app, world.ctx.db, coordinator=coordinator), "/healthz")
        report = json.loads(body)
        assert status.startswith("200")
        assert (report["scheduler"], report["loop"], report["outbox"]) == (
            "leader",
            "alive",
            {"failed": 0, "dead": 0},
        )
        status, body = _get(make_wsgi(world.app, world.ctx.db, coordinator=standby), "/healthz")
        assert status.startswith("200") and json.loads(body)["scheduler"] == "standby"

        assert coordinator.runner is not None
        coordinator.runner.scheduler.shutdown()  # the loop gone, the watchdog not yet round
        status, body = _get(make_wsgi(world.app, world.ctx.db, coordinator=coordinator), "/healthz")
        assert status.startswith("503") and json.loads(body)["loop"] == "dead"
    finally:
        coordinator.stop(job_grace=2)
        standby.stop(job_grace=2)
        with world.ctx.db.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))


def test_healthz_counts_the_outbox_backlog(world):
    world.slack.fail("chat.postMessage", error="channel_not_found", times=10)
    for n in range(3):
        outbox.send_once(
            world.ctx.db,
            world.ctx.client,
            key=f"k{n}",
            kind="t",
            recipient=f"U0NO{n}",
            text="hi",
            now=world.clock.now(),
        )
    _, body = _get(make_wsgi(world.app, world.ctx.db), "/healthz")
    assert json.loads(body)["outbox"] == {"failed": 3, "dead": 0}


@pytest.mark.http  # acks are timed by the HTTP face
def test_metrics_are_prometheus_text_with_acks_per_listener(world):
    world.driver.command("/cohort", "", user="U0STRANGER", channel="C0CLASS01")
    status, body = _get(make_wsgi(world.app, world.ctx.db), "/metrics")
    exposition = body.decode()
    assert status.startswith("200")
    assert 'training_day_ack_seconds_bucket{le="3.0",listener="/cohort"}' in exposition
    for name in (
        'training_day_jobs_total{outcome="skipped_late"}',
        'training_day_outbox_messages_total{status="failed"}',
        "training_day_leader_changes_total",
    ):
        assert name in exposition


def test_json_log_lines(capsys):
    record = logging.LogRecord(
        "scheduler.leadership", logging.ERROR, __file__, 1, "gave up after %d s", (60,), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == (
        "ERROR",
        "scheduler.leadership",
        "gave up after 60 s",
    )
    assert line["time"].endswith("+00:00")
