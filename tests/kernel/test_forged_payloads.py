"""Forged, truncated and oversized requests, correctly signed: each is answered without a 500 and
without a traceback in the logs, and writes nothing ("Bad input")."""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

import db.models  # noqa: F401 - every table registered, so the row count covers them all
from bot.slack import ids
from bot.slack.request_guard import MAX_BODY_BYTES
from bot.standin.harness import SIGNING_SECRET
from bot.standin.server import TEAM_ID
from db.base import Base
from tests.helpers import import_cohort

TL = "U0TL0001"
AGENT = "U0AG0001"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

pytestmark = pytest.mark.http


def _rows(world: Any) -> dict[str, int]:
    with world.ctx.db.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _form(payload: Any) -> str:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)})


def _block_actions(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID},
        "user": {"id": TL, "team_id": TEAM_ID},
        "api_app_id": "A0TRAINDAY",
        "token": "legacy",
        "trigger_id": "trigger-forged",
        "actions": [
            {
                "type": "button",
                "action_id": ids.ACTION_MIA_EXCUSE,
                "block_id": "b",
                "value": "1",
                "action_ts": "1",
            }
        ],
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not _DROP}


def _view_submission(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": TL, "team_id": TEAM_ID},
        "api_app_id": "A0TRAINDAY",
        "token": "legacy",
        "trigger_id": "trigger-forged",
        "view": {
            "id": "V0FORGED",
            "type": "modal",
            "callback_id": ids.VIEW_FAILCERT,
            "private_metadata": "",
            "state": {"values": {}},
        },
        "response_urls": [],
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not _DROP}


def _event(event: Any) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0TRAINDAY",
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOTTD001", "is_bot": True}],
        }
    )


_DROP = object()

CASES: dict[str, tuple[str, str]] = {
    "actions: empty list": (_form(_block_actions(actions=[])), FORM),
    "actions: missing": (_form(_block_actions(actions=_DROP)), FORM),
    "actions: not a list": (_form(_block_actions(actions="mia_excuse")), FORM),
    "actions: a string inside": (_form(_block_actions(actions=["mia_excuse"])), FORM),
    "actions: no action_id": (_form(_block_actions(actions=[{"type": "button", "value": "1"}])), FORM),
    "actions: no user": (_form(_block_actions(user=_DROP)), FORM),
    "actions: user not an object": (_form(_block_actions(user="U0TL0001")), FORM),
    "actions: user with no id": (_form(_block_actions(user={"team_id": TEAM_ID})), FORM),
    "view: missing": (_form(_view_submission(view=_DROP)), FORM),
    "view: not an object": (_form(_view_submission(view="failcert_modal")), FORM),
    "view: no callback_id": (_form(_view_submission(view={"id": "V1", "state": {"values": {}}})), FORM),
    "view: no state": (_form(_view_submission(view={"id": "V1", "callback_id": ids.VIEW_FAILCERT})), FORM),
    "view: no user": (_form(_view_submission(user=_DROP)), FORM),
    "view: user with no id": (_form(_view_submission(user={})), FORM),
    "payload: not JSON": (_form("{not json"), FORM),
    "payload: JSON null": (_form("null"), FORM),
    "payload: JSON list": (_form("[1, 2]"), FORM),
    "payload: JSON string": (_form('"block_actions"'), FORM),
    "payload: no type": (_form({"user": {"id": TL}}), FORM),
    "payload: unknown type": (_form({"type": "nonsense", "user": {"id": TL}}), FORM),
    "form: empty": ("", FORM),
    "form: neither command nor payload": (urlencode({"user_id": TL, "text": "hi"}), FORM),
    "command: no user": (urlencode({"command": ids.FAILCERT, "text": "", "team_id": TEAM_ID}), FORM),
    "command: unknown": (urlencode({"command": "/nope", "user_id": TL, "team_id": TEAM_ID}), FORM),
    "json: not JSON": ("{not json", JSON),
    "json: a list": ("[]", JSON),
    "event: no user (reaction)": (
        _event(
            {"type": "reaction_added", "reaction": "white_check_mark", "item": {"channel": "C1", "ts": "1.0"}}
        ),
        JSON,
    ),
    "event: no item (reaction)": (_event({"type": "reaction_added", "user": AGENT, "reaction": "x"}), JSON),
    "event: no user (home)": (_event({"type": "app_home_opened", "tab": "home"}), JSON),
    "event: no user (member joined)": (
        _event({"type": "member_joined_channel", "channel": "C0CLASS001"}),
        JSON,
    ),
    "event: user not a string": (_event({"type": "app_home_opened", "user": 5, "tab": "home"}), JSON),
    "event: missing": (
        json.dumps(
            {"type": "event_callback", "team_id": TEAM_ID, "event_id": "Ev1", "api_app_id": "A0TRAINDAY"}
        ),
        JSON,
    ),
    "event: not an object": (
        json.dumps({"type": "event_callback", "team_id": TEAM_ID, "event": "x", "api_app_id": "A0TRAINDAY"}),
        JSON,
    ),
    "event: null": (
        json.dumps({"type": "event_callback", "team_id": TEAM_ID, "event": None, "api_app_id": "A0TRAINDAY"}),
        JSON,
    ),
    "event: channel a number": (_event({"type": "member_joined_channel", "user": AGENT, "channel": 7}), JSON),
    "team: a number": (_form(_block_actions(team=5)), FORM),
    "authorizations: an object": (
        json.dumps({**json.loads(_event({"type": "app_home_opened", "user": AGENT})), "authorizations": {}}),
        JSON,
    ),
}

# Bodies that Bolt could not parse or read (not a JSON object, a part of the wrong JSON type) are
# answered 400 before Bolt sees them (bot/slack/request_guard.py). Everything else is signed and
# well-formed but incomplete: ignored with a 200 (handlers.listener.IgnoreMalformed).
DO_NOT_PARSE = {
    "event: user not a string",
    "event: not an object",
    "event: null",
    "event: channel a number",
    "team: a number",
    "authorizations: an object",
    "payload: not JSON",
    "payload: JSON null",
    "payload: JSON list",
    "payload: JSON string",
    "json: not JSON",
    "json: a list",
}


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.exc_info is not None or r.levelno >= logging.ERROR
    ]


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_payload_is_answered_and_writes_nothing(world, caplog, name):
    import_cohort(world)
    before = _rows(world)
    posted = len(world.slack.messages())
    body, content_type = CASES[name]
    caplog.set_level(logging.INFO)

    reply = world.driver.raw(body, content_type)

    assert reply.status == (400 if name in DO_NOT_PARSE else 200), reply.body
    assert _no_tracebacks(caplog) == []
    assert _rows(world) == before
    assert len(world.slack.messages()) == posted


def _post(world: Any, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{world.url}/slack/events", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _signed_headers(body: bytes, content_type: str = FORM) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body.decode())
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def test_oversized_body_is_refused_before_it_is_read(world, caplog):
    """The refusal comes on the headers alone: the test sends none of the body (a client that does
    send it all sees the connection closed under it, as with any server that caps bodies)."""
    import_cohort(world)
    before = _rows(world)
    posted = len(world.slack.messages())
    caplog.set_level(logging.INFO)
    host, port = world.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("POST", "/slack/events")
        for name, value in _signed_headers(b"payload=%7B%7D").items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
        connection.endheaders()
        status = connection.getresponse().status
    finally:
        connection.close()

    assert status == 413
    assert _no_tracebacks(caplog) == []
    assert _rows(world) == before
    assert len(world.slack.messages()) == posted


def test_a_body_just_under_the_cap_still_reaches_the_app(world):
    body = urlencode(
        {"command": "/nope", "user_id": TL, "team_id": TEAM_ID, "text": "y" * (MAX_BODY_BYTES // 2)}
    )
    assert _post(world, body.encode(), _signed_headers(body.encode())) == 200


def test_a_body_that_is_not_utf8_is_400(world, caplog):
    caplog.set_level(logging.INFO)
    body = b"payload=%7B%22type%22%3A+%22block_actions%22%7D\xff\xfe"
    headers = {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=0",
    }

    assert _post(world, body, headers) == 400
    assert _no_tracebacks(caplog) == []


def test_a_lying_content_length_is_refused(world):
    # Content-Length is what the cap trusts; a body that claims more than it sends must not hang a
    # worker, and a negative or non-numeric one must not get past the cap.
    environ_checks = []
    from bot.slack.web import make_wsgi

    app = make_wsgi(world.app, world.ctx.db)
    for length in ("-1", "abc", str(MAX_BODY_BYTES + 1)):
        captured: dict[str, str] = {}
        app(
            {"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST", "CONTENT_LENGTH": length},
            lambda status, headers, captured=captured: captured.update(status=status),
        )
        environ_checks.append((length, captured["status"][:3]))
    assert environ_checks == [("-1", "400"), ("abc", "400"), (str(MAX_BODY_BYTES + 1), "413")]


def test_bad_signature_is_401_and_writes_nothing(world, caplog):
    import_cohort(world)
    before = _rows(world)
    posted = len(world.slack.messages())
    caplog.set_level(logging.INFO)
    body = _form(_block_actions()).encode()
    headers = _signed_headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64

    assert _post(world, body, headers) == 401
    assert _no_tracebacks(caplog) == []
    assert _rows(world) == before
    assert len(world.slack.messages()) == posted
