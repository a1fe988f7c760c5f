"""Sends correctly signed Slack requests (slash commands, block actions, view submissions,
events) to the bot, as Slack itself would: over HTTP to its /slack/events, or handed in-process
to a function that dispatches them (the same signed body and headers either way)."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.standin.server import TEAM_ID, SlackStandIn

# Takes a signed request (body, headers) and answers (status, body): how the driver reaches the bot
# when it is not over HTTP.
Send = Callable[[str, dict[str, str]], tuple[int, str]]


@dataclass
class Reply:
    """What the bot answered on the request itself (the ack), over HTTP or in-process."""

    status: int
    body: str
    seconds: float
    response_url_token: str | None = None

    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


class SlackDriver:
    def __init__(
        self,
        app: str | Send,
        signing_secret: str,
        standin: SlackStandIn,
        settle: Callable[[], None] | None = None,
    ) -> None:
        """`app`: the bot's base URL (requests go over HTTP), or a Send that dispatches in-process."""
        self._send: Send = _over_http(app.rstrip("/") + "/slack/events") if isinstance(app, str) else app
        self._verifier = SignatureVerifier(signing_secret)
        self.standin = standin
        self._settle = settle or (lambda: None)
        self._ids = itertools.count(1)
        self.response_owner: dict[str, str] = {}

    # -- requests ----------------------------------------------------------------------------
    def command(
        self, command: str, text: str = "", *, user: str, channel: str = "C0GENERAL1", settle: bool = True
    ) -> Reply:
        token = self._token("cmd")
        self.response_owner[token] = user
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "training-day",
            "channel_id": channel,
            "channel_name": "class",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TRAINDAY",
            "is_enterprise_install": "false",
            "response_url": f"{self.standin.url}/response/{token}",
            "trigger_id": self._token("trigger"),
        }
        reply = self._post(urlencode(form), "application/x-www-form-urlencoded", settle=settle)
        reply.response_url_token = token
        return reply

    def action(
        self,
        action_id: str,
        value: str = "",
        *,
        user: str,
        channel: str | None = None,
        message_ts: str | None = None,
        block_id: str = "b",
        view: dict[str, Any] | None = None,
        settle: bool = True,
    ) -> Reply:
        token = self._token("act")
        self.response_owner[token] = user
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "A0TRAINDAY",
            "token": "legacy",
            "trigger_id": self._token("trigger"),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
            "response_url": f"{self.standin.url}/response/{token}",
        }
        if channel:
            payload["channel"] = {"id": channel}
            payload["container"] = {"type": "message", "channel_id": channel, "message_ts": message_ts or "0"}
            payload["message"] = {"ts": message_ts or "0", "text": ""}
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
            del payload["response_url"]
        reply = self._post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", settle=settle
        )
        reply.response_url_token = token
        return reply

    def submit_view(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user: str,
        private_metadata: str = "",
        view_id: str | None = None,
        settle: bool = True,
    ) -> Reply:
        """values: {block_id: {action_id: element_state}} exactly as Slack sends view.state.values.

        Each call is a new modal (Slack gives every opened view its own id) unless `view_id` names
        the one submitted again: a double click or a retry."""
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID},
            "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "A0TRAINDAY",
            "token": "legacy",
            "trigger_id": self._token("trigger"),
            "view": {
                "id": view_id or self._token("V"),
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
            },
            "response_urls": [],
        }
        return self._post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", settle=settle
        )

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        settle: bool = True,
    ) -> Reply:
        event_id = event_id or self._token("Ev")
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0TRAINDAY",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOTTD001", "is_bot": True}],
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self._post(json.dumps(body), "application/json", extra_headers=headers, settle=settle)

    def reaction(
        self,
        user: str,
        name: str,
        channel: str,
        ts: str,
        *,
        added: bool = True,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> Reply:
        return self.event(
            {
                "type": "reaction_added" if added else "reaction_removed",
                "user": user,
                "reaction": name,
                "item": {"type": "message", "channel": channel, "ts": ts},
                "item_user": "UBOTTD001",
                "event_ts": f"{time.time():.6f}",
            },
            event_id=event_id,
            retry_num=retry_num,
        )

    def raw(self, body: str, content_type: str, *, settle: bool = True) -> Reply:
        """Any body, correctly signed: what a forger holding the signing secret, or a Slack bug,
        could send (tests of malformed payloads)."""
        return self._post(body, content_type, settle=settle)

    # -- plumbing ----------------------------------------------------------------------------
    def _token(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    def _post(
        self,
        body: str,
        content_type: str,
        *,
        extra_headers: dict[str, str] | None = None,
        settle: bool = True,
    ) -> Reply:
        timestamp = str(int(time.time()))
        # None only when the timestamp or the body is missing.
        signature = self._verifier.generate_signature(timestamp=timestamp, body=body) or ""
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            **(extra_headers or {}),
        }
        started = time.monotonic()
        status, text = self._send(body, headers)
        reply = Reply(status=status, body=text, seconds=time.monotonic() - started)
        if settle:
            self._settle()
        return reply


def _over_http(url: str) -> Send:
    def send(body: str, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    return send
