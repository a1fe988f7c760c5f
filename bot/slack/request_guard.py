"""What is checked before Bolt sees a request: its size, and that its body is a JSON object Bolt
can read. Anything that fails here was a traceback and a 500 inside Bolt before any check of ours
could run; it is answered 400 or 413 instead, with a warning and nothing written.

These checks come before the signature check because Bolt parses the body (json.loads, then
reading ids out of it) while building the request and in its own built-in middleware, ahead of
both the signature check and any error handler. They use nothing from the body, so a forger
learns nothing a 401 would not tell them. Well-formed but incomplete payloads (no user, an empty
`actions` list) have their signature checked by Bolt, then are answered 200 by handlers.listener.IgnoreMalformed.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

log = logging.getLogger(__name__)

# Slack's own requests are a few kilobytes (a modal's whole state included); anything near this is
# not from Slack, and refusing it before reading spares the memory, the signature hash and the
# JSON parse it would cost.
MAX_BODY_BYTES = 1024 * 1024

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
    """Bolt's WSGI handler, answering 400 for a body Bolt could not parse or read."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            bolt_request = BoltRequest(
                body=request.get_body(), query=request.query_string, headers=request.get_headers()
            )
            problem = unreadable(bolt_request.body)
        except Exception as error:  # noqa: BLE001 - building the request only decodes and parses the body
            problem = f"{type(error).__name__}: {str(error)[:200]}"
        if problem:
            log.warning("refused a request whose body does not parse: %s", problem)
            return BoltResponse(status=400, body="")
        return self.app.dispatch(bolt_request)
