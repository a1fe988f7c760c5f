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
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Protocol

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.core import health as health_service
from bot.core import metrics
from bot.slack import ids
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
    signing_secret: str | None = None,
) -> Callable[..., Iterable[bytes]]:
    """`metrics_token`: when set, GET /metrics wants `Authorization: Bearer <token>`.
    `signing_secret`: Slack's, checked before anything reads a request (Bolt's own by default)."""
    secret = signing_secret if signing_secret is not None else bolt_app._signing_secret
    slack = GuardedRequestHandler(bolt_app, path=SLACK_PATH, signing_secret=secret)

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
    """Over HTTP the response *is* the ack: time it, labelled with the listener it was for as
    Bolt's middleware names it once the signature is checked (`label_verified`)."""
    started = time.perf_counter()
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    labels: list[str] = []
    token = _verified_label.set(labels)
    try:
        return slack(environ, start_response)
    finally:
        _verified_label.reset(token)
        metrics.ACK_SECONDS.labels(labels[0] if labels else UNVERIFIED).observe(time.perf_counter() - started)


# The label of the request this thread is answering, once Bolt has verified it.
_verified_label: ContextVar[list[str] | None] = ContextVar("verified_label", default=None)

# The only labels /metrics gives an acknowledgement: a series per listener the app registers, one
# for a signed request no listener is for, one for anything refused before or by the signature
# check. A request cannot add a series of its own.
UNVERIFIED = "unverified"
OTHER = "other"
LISTENER_LABELS: frozenset[str] = frozenset(
    [
        *ids.COMMANDS,
        *(f"event:{name}" for name in ids.EVENT_TYPES),
        *(f"block_actions:{name}" for name in ids.ACTIONS),
        *(f"view_submission:{name}" for name in ids.VIEWS),
    ]
)


def label_of(body: dict[str, Any]) -> str:
    """A bounded label: the listener the body is for, or OTHER."""
    label = listener_of_body(body)
    return label if label in LISTENER_LABELS else OTHER


class LabelVerified(Middleware):
    """Bolt middleware, installed ahead of the app's own and run after Bolt's signature check:
    names the listener for `_timed` to label its ack with. A class, as IgnoreMalformed is: Bolt
    builds a function middleware's arguments from the body before calling it."""

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's keyword
    ) -> BoltResponse | None:
        labels = _verified_label.get()
        if labels is not None and not labels:
            labels.append(label_of(req.body))
        return next()


label_verified = LabelVerified()


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


class TimeAck(Middleware):
    """Bolt middleware for Socket Mode, where no HTTP response marks the ack: Bolt returns from
    `next()` once the listener has acknowledged (or its 3 seconds are up). A class, for the
    reason LabelVerified is one."""

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's keyword
    ) -> BoltResponse | None:
        started = time.perf_counter()
        try:
            return next()
        finally:
            metrics.ACK_SECONDS.labels(label_of(req.body)).observe(time.perf_counter() - started)


time_ack = TimeAck()
