"""Bolt middleware naming the request in the log context: which listener it is for, and who sent
it. Installed after Bolt's signature check, so nothing from a forged request is bound."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.core import log_context

# Slack ids are short; a forged-but-signed body must not put a paragraph into every log line.
_ID_LIMIT = 64


def listener_id(body: dict[str, Any]) -> str | None:
    """`command:/cohort`, `action:help_claim`, `view:coach_submit`, `event:app_home_opened`."""
    if isinstance(body.get("command"), str):
        return _short(f"command:{body['command']}")
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions")
        first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
        return _short(f"action:{first.get('action_id')}")
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        return _short(f"view:{view.get('callback_id') if isinstance(view, dict) else None}")
    if kind == "event_callback":
        event = body.get("event")
        return _short(f"event:{event.get('type') if isinstance(event, dict) else None}")
    return _short(str(kind)) if kind else None


def user_id(body: dict[str, Any]) -> str | None:
    if isinstance(body.get("user_id"), str):
        return _short(body["user_id"])
    user = body.get("user")
    if isinstance(user, dict) and isinstance(user.get("id"), str):
        return _short(user["id"])
    event = body.get("event")
    raw = event.get("user") if isinstance(event, dict) else None
    raw = raw.get("id") if isinstance(raw, dict) else raw
    return _short(raw) if isinstance(raw, str) else None


def _short(text: str) -> str:
    return text[:_ID_LIMIT]


class BindLogContext(Middleware):
    """A class, not a function: Bolt builds a function middleware's arguments from the body first,
    which fails on some malformed payloads (see handlers/listener.py IgnoreMalformed)."""

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's keyword
    ) -> BoltResponse | None:
        body = req.body if isinstance(req.body, dict) else {}
        # Not reset on the way out: Bolt runs the listener after the whole middleware chain has
        # returned, handing it to the listener pool, which copies this context then
        # (TrackingExecutor). The next request in this thread starts afresh.
        log_context.begin(listener=listener_id(body), user=user_id(body))
        return next()


bind_log_context = BindLogContext()
