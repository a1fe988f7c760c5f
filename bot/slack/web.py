"""The HTTP face of the bot: Slack's requests at POST /slack/events, the probes and GET /metrics.

- GET /livez: 200 while the process answers at all. A liveness probe: failing it means restart me.
  It touches nothing else, so a database blip never restarts every replica at once.
- GET /readyz: 200 while this process can serve (the database answers and its schema is at this
  release's migrations or a later release's), 503 otherwise. A readiness probe: failing it means
  send me no traffic for now.
- GET /healthz: the operator's view (who leads, the outbox backlog); 503 when the database is away
  or this process leads and its scheduler's loop is dead.
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qs

from slack_bolt import App

from bot.core import health as health_service
from bot.core import metrics
from bot.slack.request_guard import GuardedRequestHandler, refuse_size
from db.migrate import SchemaState, schema_state
from db.session import Database

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"


class SchedulerStatus(Protocol):
    """What /healthz reads of this process's scheduler (scheduler/leadership.py's Status)."""

    @property
    def role(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def loop_alive(self) -> bool | None: ...
    @property
    def last_tick_at(self) -> datetime | None: ...


class Coordinator(Protocol):
    """The scheduler's coordinator as /healthz sees it; the command line passes it in, so the web
    face never imports the scheduler."""

    @property
    def watchdog_seconds(self) -> float: ...
    def status(self) -> SchedulerStatus: ...


def make_wsgi(
    bolt_app: App,
    db: Database,
    routes: Mapping[str, Callable[..., Iterable[bytes]]] | None = None,
    *,
    coordinator: Coordinator | None = None,
    metrics_token: str | None = None,
) -> Callable[..., Iterable[bytes]]:
    """`metrics_token`: when set, GET /metrics wants `Authorization: Bearer <token>`."""
    slack = GuardedRequestHandler(bolt_app, path=SLACK_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        # Optional integrations' own pages (GET /g2t/oauth/callback), by exact path.
        extra = (routes or {}).get(path or "")
        if extra is not None:
            return extra(environ, start_response)
        if path == "/livez" and method == "GET":
            return _json(start_response, "200 OK", {"ok": True})
        if path == "/readyz" and method == "GET":
            status, report = readiness(db)
            return _json(start_response, "200 OK" if status else "503 Service Unavailable", report)
        if path == "/healthz" and method == "GET":
            status, report = health(db, coordinator)
            return _json(start_response, "200 OK" if status else "503 Service Unavailable", report)
        if path == "/metrics" and method == "GET":
            if metrics_token and not _bearer_is(environ, metrics_token):
                start_response(
                    "401 Unauthorized",
                    [("WWW-Authenticate", 'Bearer realm="metrics"'), ("Content-Length", "0")],
                )
                return [b""]
            body, content_type = metrics.exposition()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        refused = refuse_size(environ)
        if refused:
            start_response(refused, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")])
            return [b""]
        if path == SLACK_PATH and method == "POST":
            return _timed(slack, environ, start_response)
        return slack(environ, start_response)

    return application


def readiness(db: Database) -> tuple[bool, dict[str, Any]]:
    """(ready, report): the database answers, and its schema is this release's or a later one's."""
    try:
        with db.engine.connect() as connection:
            state, revision = schema_state(connection)
    except Exception:  # noqa: BLE001 - any failure means "cannot serve" for a readiness probe
        return False, {"ok": False, "database": "unreachable"}
    ready = state in (SchemaState.CURRENT, SchemaState.AHEAD)
    return ready, {"ok": ready, "database": "reachable", "schema": state.value, "revision": revision}


def _bearer_is(environ: dict[str, Any], token: str) -> bool:
    given = str(environ.get("HTTP_AUTHORIZATION") or "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def health(db: Database, coordinator: Coordinator | None) -> tuple[bool, dict[str, Any]]:
    """(healthy, report). Unhealthy: the database is down, or this process leads and its
    scheduler's loop is dead or has not ticked within the watchdog's time."""
    report: dict[str, Any] = {"ok": True, "database": "reachable"}
    healthy = db.ping()
    if not healthy:
        report["database"] = "unreachable"
    if coordinator is not None:
        status = coordinator.status()
        report["scheduler"] = status.role
        report["process"] = status.owner
        if status.role == "leader":
            stale = (datetime.now(UTC) - status.last_tick_at).total_seconds() if status.last_tick_at else None
            report["last_tick"] = status.last_tick_at.isoformat() if status.last_tick_at else None
            report["loop"] = "alive" if status.loop_alive else "dead"
            if not status.loop_alive or stale is None or stale > coordinator.watchdog_seconds:
                report["loop"] = "dead" if not status.loop_alive else "stuck"
                healthy = False
    if report["database"] == "reachable":
        try:
            with db.session() as session:
                report["outbox"] = health_service.outbox_backlog(session)
                if coordinator is not None:
                    row = health_service.leader(session)
                    if row is not None:
                        report["leader"] = {
                            "process": row.owner,
                            "since": row.since.isoformat(),
                            "last_tick": row.heartbeat.isoformat(),
                        }
                        report.setdefault("last_tick", row.heartbeat.isoformat())
        except Exception:  # noqa: BLE001 - reachable a moment ago; report what we have
            log.warning("health: could not read the outbox backlog", exc_info=True)
    report["ok"] = healthy
    return healthy, report


def _json(start_response: Callable[..., Any], status: str, report: dict[str, Any]) -> list[bytes]:
    body = json.dumps(report).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _timed(
    slack: GuardedRequestHandler, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """Over HTTP the response *is* the ack: time it, labelled with the listener it was for."""
    started = time.perf_counter()
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    try:
        return slack(environ, start_response)
    finally:
        metrics.ACK_SECONDS.labels(listener_of(raw)).observe(time.perf_counter() - started)


def listener_of(raw: bytes) -> str:
    """A bounded label: the slash command, action_id, view callback_id or event type."""
    try:
        text = raw.decode()
        if text.startswith("{"):
            return listener_of_body(json.loads(text))
        form = {k: v[0] for k, v in parse_qs(text).items()}
        if "payload" in form:
            return listener_of_body(json.loads(form["payload"]))
        return listener_of_body(form)
    except (ValueError, UnicodeDecodeError):
        return "unknown"


def listener_of_body(body: dict[str, Any]) -> str:
    try:
        if "command" in body:
            return str(body["command"])
        if body.get("type") == "event_callback" or "event" in body:
            return "event:" + str((body.get("event") or {}).get("type") or "unknown")
        kind = str(body.get("type"))
        if body.get("actions"):
            return f"{kind}:{body['actions'][0].get('action_id')}"
        if body.get("view"):
            return f"{kind}:{body['view'].get('callback_id')}"
        return f"{kind}:{body.get('callback_id')}"
    except (AttributeError, KeyError, IndexError, TypeError):
        return "unknown"


def time_ack(body: dict[str, Any], next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt passes it by this name
    """Bolt middleware for Socket Mode, where no HTTP response marks the ack: Bolt returns from
    `next()` once the listener has acknowledged (or its 3 seconds are up)."""
    started = time.perf_counter()
    try:
        return next()
    finally:
        metrics.ACK_SECONDS.labels(listener_of_body(body)).observe(time.perf_counter() - started)
