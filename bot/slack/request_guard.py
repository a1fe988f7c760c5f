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

# The parts of a payload Bolt reads itself (request context, authorization, self-event filter,
# listener matching) and the JSON types it assumes they have.
_BOLT_READS: dict[str, tuple[type, ...]] = {
    "event": (dict,),
    "user": (dict, str),
    "team": (dict, str),
    "enterprise": (dict, str, type(None)),
    "channel": (dict, str),
    "container": (dict,),
    "view": (dict,),
    "actions": (list,),
    "authorizations": (list,),
}


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
    for key, kinds in _BOLT_READS.items():
        if key in body and not isinstance(body[key], kinds):
            return f"{key} is a JSON {type(body[key]).__name__}"
    authorizations = body.get("authorizations") or []
    if not all(isinstance(a, dict) for a in authorizations):
        return "an authorization that is not an object"
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
