"""The HTTP face: signatures are checked, /healthz tells whether the database is reachable."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from bot.slack.web import make_wsgi
from db.session import Database

pytestmark = pytest.mark.http


def test_healthz_ok(world):
    with urllib.request.urlopen(f"{world.url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {
            "ok": True,
            "database": "reachable",
            "outbox": {"failed": 0, "dead": 0},
        }


def test_healthz_503_when_database_unreachable(world):
    broken = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    app = make_wsgi(world.app, broken)
    captured = {}
    body = b"".join(
        app(
            {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"},
            lambda status, headers: captured.update(status=status),
        )
    )
    assert captured["status"].startswith("503")
    assert json.loads(body)["database"] == "unreachable"


def test_unsigned_request_is_rejected_and_changes_nothing(world):
    request = urllib.request.Request(
        f"{world.url}/slack/events",
        data=b"command=%2Fcohort&user_id=U0TL0001",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": "1",
            "X-Slack-Signature": "v0=bad",
        },
        method="POST",
    )
    try:
        urllib.request.urlopen(request, timeout=5)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 401
    assert world.slack.responses() == []


def test_unknown_path_is_404(world):
    try:
        urllib.request.urlopen(f"{world.url}/nope", timeout=5)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    assert status == 404
