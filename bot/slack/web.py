"""The HTTP face of the bot: Slack's requests at POST /slack/events, and GET /healthz."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App

from bot.slack.request_guard import GuardedRequestHandler, refuse_size
from db.session import Database

SLACK_PATH = "/slack/events"


def make_wsgi(
    bolt_app: App, db: Database, routes: Mapping[str, Callable[..., Iterable[bytes]]] | None = None
) -> Callable[..., Iterable[bytes]]:
    slack = GuardedRequestHandler(bolt_app, path=SLACK_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # Optional integrations' own pages (GET /g2t/oauth/callback), by exact path.
        extra = (routes or {}).get(environ.get("PATH_INFO", ""))
        if extra is not None:
            return extra(environ, start_response)
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            healthy = db.ping()
            body = json.dumps({"ok": healthy, "database": "reachable" if healthy else "unreachable"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        refused = refuse_size(environ)
        if refused:
            start_response(refused, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")])
            return [b""]
        return slack(environ, start_response)

    return application
