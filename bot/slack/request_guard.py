"""What is checked before Bolt sees a request, in this order: its size (on the headers alone),
its signature (on the raw bytes, before anything reads them), and that its body is a JSON object
Bolt can read. A body that fails the last check was a traceback and a 500 inside Bolt before any
check of ours could run (Bolt parses it while building the request, ahead of its own signature
check and any error handler); it is answered 400 instead, with a warning and nothing written.

Nothing is learned from a request before its signature is checked: an unsigned one is answered
401 on its bytes alone, unparsed, unlogged beyond one line, uncounted but for one metric label.
Well-formed but incomplete payloads (no user, an empty `actions` list) are answered 200 by
handlers.listener.IgnoreMalformed.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

# What Slack sends: commands and events are a few kilobytes; the largest are the interactions that
# carry back a view the bot built, form-encoded. A view filled to Block Kit's limits (100 sections
# of 3,000 characters) comes to about 490 KB that way; a 200-agent class's Home to about 27 KB
# (tests/kernel/test_unsigned_requests.py measures both). Anything bigger is not from Slack, and
# refusing it on its Content-Length spares the memory, the hash and the parse.
MAX_BODY_BYTES = 640 * 1024

# Bolt reads ids out of these parts of a payload while building the request context (team, user,
# channel, enterprise), at the top and inside the nested objects it looks into, and assumes a
# string or an object ("id" in part): a number there was a TypeError.
_ID_PARTS = ("user", "channel", "team", "enterprise")
_NESTED = ("event", "message", "previous_message", "item", "assistant_thread")


def refuse_size(environ: dict[str, Any]) -> str | None:
    """The HTTP status for a body not to be read at all, or None. Bolt's adapter trusts
    Content-Length: a non-number was a 500, and a negative one reads until the client hangs up."""
    raw = environ.get("CONTENT_LENGTH") or "0"
    if not raw.isdigit():
        return "400 Bad Request"
    return "413 Content Too Large" if int(raw) > MAX_BODY_BYTES else None


def unreadable(body: object) -> str | None:
    """Why Bolt could not read this parsed body, or None."""
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__}, not an object"
    # Bolt's own middleware calls body.get("event", {}).get(...): present, it must be an object.
    if "event" in body and not isinstance(body["event"], dict):
        return "event is not an object"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations is not a list of objects"
    return _wrong_id_part(body, depth=0)


def _wrong_id_part(part: dict[str, Any], depth: int) -> str | None:
    for key in _ID_PARTS:
        if not isinstance(part.get(key), (dict, str, type(None))):
            return f"{key} is a JSON {type(part[key]).__name__}"
    nested = [part[k] for k in _NESTED if isinstance(part.get(k), dict)]
    if depth == 0:
        nested += part.get("authorizations") or []
    for inner in nested:
        problem = _wrong_id_part(inner, depth + 1) if depth < 3 else None
        if problem:
            return problem
    return None


class GuardedRequestHandler(SlackRequestHandler):
    """Bolt's WSGI handler, answering 401 for a body whose signature is wrong before anything reads
    it, and 400 for a signed body Bolt could not parse or read."""

    def __init__(self, app: App, path: str, signing_secret: str) -> None:
        super().__init__(app, path=path)
        self._verifier = SignatureVerifier(signing_secret)

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        headers = request.get_headers()
        try:
            body = _raw_body(request).decode("utf-8")
        except UnicodeDecodeError:  # Slack sends UTF-8; these bytes are nobody's request
            log.warning("refused a request whose body is not UTF-8")
            return BoltResponse(status=400, body="")
        if not self._verifier.is_valid(
            body, _header(headers, "x-slack-request-timestamp"), _header(headers, "x-slack-signature")
        ):
            log.info("refused a request without a valid Slack signature")
            return BoltResponse(status=401, body="")
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
            problem = unreadable(bolt_request.body)
        except Exception as error:  # noqa: BLE001 - building the request only decodes and parses the body
            problem = f"{type(error).__name__}: {str(error)[:200]}"
        if problem:
            log.warning("refused a request whose body does not parse: %s", problem)
            return BoltResponse(status=400, body="")
        # Its own context: the log fields the request sets (bot/slack/log_middleware.py) end with it.
        return contextvars.copy_context().run(self.app.dispatch, bolt_request)


def _raw_body(request: WsgiHttpRequest) -> bytes:
    stream = request.environ.get("wsgi.input")
    length = int(request.environ.get("CONTENT_LENGTH") or 0)  # refuse_size has checked it
    return stream.read(length) if stream is not None and length else b""


def _header(headers: dict[str, Any], name: str) -> str:
    value = headers.get(name)
    if isinstance(value, str):
        return value
    return str(value[0]) if value else ""
