"""The Web API stand-in: an HTTP server on loopback that answers the methods the bot calls,
records every call, and can be told to fail (429 with Retry-After, 5xx, or a Slack error)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.standin.blockkit import message_problems, view_problems
from bot.standin.rate_limits import RateLimits
from bot.standin.socket_mode import SocketModeEndpoint

BOT_USER_ID = "UBOTTD001"
BOT_ID = "BTD001"
TEAM_ID = "T0TRAIN01"

# Arguments that arrive as JSON strings when sent form-encoded.
JSON_ARGS = ("blocks", "view", "attachments")


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    status: int


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int = 1
    channel: str | None = None  # only calls to this channel fail


@dataclass
class ResponseUrlPost:
    token: str
    payload: dict[str, Any]


@dataclass
class StoredFile:
    """A file someone shared in Slack (what files.info describes and its private URL serves)."""

    file_id: str
    name: str
    content: bytes
    mimetype: str


@dataclass
class Upload:
    """A file the bot uploaded with files_upload_v2, once completeUploadExternal shared it."""

    file_id: str
    filename: str
    title: str | None
    alt_txt: str | None
    content: bytes
    channel: str | None
    initial_comment: str | None


@dataclass
class StandInState:
    calls: list[Call] = field(default_factory=list)
    responses: list[ResponseUrlPost] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    pins: set[tuple[str, str]] = field(default_factory=set)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    home: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected: list[tuple[str, list[str]]] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    # files.getUploadURLExternal's file id -> (filename, alt text, the bytes posted to its URL).
    pending_uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    # A pushed view replaced later by its external_id: external_id -> the latest view.
    external_views: dict[str, dict[str, Any]] = field(default_factory=dict)


class SlackStandIn:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self.state = StandInState()
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self._server = _Server((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._socket_mode: SocketModeEndpoint | None = None
        self._rate_limits: RateLimits | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def start(self) -> SlackStandIn:
        self._thread = threading.Thread(target=self._server.serve_forever, name="slack-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._socket_mode is not None:
            self._socket_mode.close()

    @property
    def socket_mode(self) -> SocketModeEndpoint:
        """The Socket Mode endpoint `apps.connections.open` hands out (started on first use)."""
        with self._lock:
            if self._socket_mode is None:
                self._socket_mode = SocketModeEndpoint()
            return self._socket_mode

    def reset(self) -> None:
        with self._lock:
            self.state = StandInState()
            self._rate_limits = None
            endpoint, self._socket_mode = self._socket_mode, None
        if endpoint is not None:
            endpoint.close()

    # -- what tests set up -------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        real_name: str,
        tz: str = "America/Chicago",
        email: str | None = None,
        *,
        deleted: bool = False,
        is_bot: bool = False,
        is_app_user: bool = False,
    ) -> None:
        """A workspace member users.info knows; `deleted` for a deactivated account, `is_bot` /
        `is_app_user` for a bot or an app's user, as Slack's user object marks them."""
        with self._lock:
            self.state.users[user_id] = {
                "id": user_id,
                "name": real_name.lower().replace(" ", "."),
                "real_name": real_name,
                "tz": tz,
                "deleted": deleted,
                "is_bot": is_bot,
                "is_app_user": is_app_user,
                "profile": {"real_name": real_name, "display_name": real_name.split()[0]}
                | ({"email": email} if email else {}),
            }

    def add_file(self, file_id: str, name: str, content: bytes, mimetype: str = "text/csv") -> None:
        """A file someone attached (a modal's file_input hands its id to the bot)."""
        with self._lock:
            self.state.files[file_id] = StoredFile(file_id, name, content, mimetype)

    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (to `channel`, if given) fail: status 429/5xx,
        or ok=false with `error`."""
        with self._lock:
            self.state.faults.setdefault(method, []).append(
                Fault(status=status, error=error, retry_after=retry_after, times=times, channel=channel)
            )

    def enforce_rate_limits(self, scale: float = 1.0) -> None:
        """Answer 429 + Retry-After past Slack's per-method tiers (bot/standin/rate_limits.py);
        `scale` > 1 shrinks the windows for a quick test. reset() turns it off."""
        with self._lock:
            self._rate_limits = RateLimits(scale)

    # -- what tests read ---------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.state.calls if method is None or c.method == method]

    def messages(self, *, channel: str | None = None) -> list[dict[str, Any]]:
        """Successful chat.postMessage arguments, optionally to one channel (a DM channel too)."""
        found = []
        for call in self.calls("chat.postMessage"):
            if call.response.get("ok") and (channel is None or call.response.get("channel") == channel):
                found.append(call.args | {"channel": call.response.get("channel"), "ts": call.response["ts"]})
        return found

    def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        return self.messages(channel=dm_channel_for(user_id))

    def updates(self, *, channel: str | None = None) -> list[dict[str, Any]]:
        """Successful chat.update arguments (a message shown again in place), optionally in one channel."""
        return [
            c.args | {"channel": c.response.get("channel")}
            for c in self.calls("chat.update")
            if c.response.get("ok") and (channel is None or c.response.get("channel") == channel)
        ]

    def seen_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages posted in a channel as they look now: each with its latest update applied."""
        latest = {u["ts"]: u for u in self.updates(channel=channel)}
        return [
            m | latest.get(m["ts"], {}) | {"ts": m["ts"], "channel": m["channel"]}
            for m in self.messages(channel=channel)
        ]

    def seen_by(self, user_id: str) -> list[dict[str, Any]]:
        """The DMs to a person as they read them now (digests with the lines added since)."""
        return self.seen_in(dm_channel_for(user_id))

    def ephemerals_to(self, user_id: str) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.calls("chat.postEphemeral")
            if c.args.get("user") == user_id and c.response.get("ok")
        ]

    def uploads(self, *, channel: str | None = None) -> list[Upload]:
        """Files the bot shared (files_upload_v2), optionally in one channel (a DM's channel too)."""
        with self._lock:
            return [u for u in self.state.uploads if channel is None or u.channel == channel]

    def external_view(self, external_id: str) -> dict[str, Any] | None:
        """The latest view pushed or updated under this external_id."""
        with self._lock:
            return self.state.external_views.get(external_id)

    def responses(self) -> list[ResponseUrlPost]:
        with self._lock:
            return list(self.state.responses)

    # -- the server side ---------------------------------------------------------------------
    def _next_ts(self) -> str:
        return f"{1_790_000_000 + next(self._ts)}.000100"

    def _take_fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        with self._lock:
            queue = self.state.faults.get(method) or []
            fault = next((f for f in queue if f.channel is None or f.channel == args.get("channel")), None)
            if fault is None:
                return None
            fault.times -= 1
            if fault.times <= 0:
                queue.remove(fault)
            return fault

    def handle_api(self, method: str, args: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        fault = self._take_fault(method, args)
        headers: dict[str, str] = {}
        if fault is not None:
            if fault.status == 429:
                headers["Retry-After"] = str(fault.retry_after if fault.retry_after is not None else 1)
                body = {"ok": False, "error": "ratelimited"}
            elif fault.status >= 500:
                body = {"ok": False, "error": "internal_error"}
            else:
                body = {"ok": False, "error": fault.error or "fatal_error"}
            self._record(method, args, body, fault.status)
            return fault.status, body, headers
        limits = self._rate_limits
        if limits is not None:
            channel = str(args.get("channel") or "")
            if channel.startswith(("U", "W")):
                channel = dm_channel_for(channel)
            wait = limits.retry_after(method, channel)
            if wait is not None:
                body = {"ok": False, "error": "ratelimited"}
                self._record(method, args, body, 429)
                return 429, body, {"Retry-After": str(wait)}
        problems = _payload_problems(method, args)
        if problems:
            # What Slack does with a payload it cannot render; kept for the test that asks why.
            body = {
                "ok": False,
                "error": "invalid_blocks" if method.startswith("chat.") else "invalid_arguments",
                "response_metadata": {"messages": problems},
            }
            with self._lock:
                self.state.rejected.append((method, problems))
        else:
            body = self._answer(method, args)
        self._record(method, args, body, 200)
        return 200, body, headers

    def _record(self, method: str, args: dict[str, Any], body: dict[str, Any], status: int) -> None:
        with self._lock:
            self.state.calls.append(Call(method=method, args=args, response=body, status=status))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {
                "url": "https://training-day.example.slack.com/",
                "team": "Training Day",
                "user": "training_day",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "conversations.open":
            users = str(args.get("users", "")).split(",")
            return ok | {"channel": {"id": dm_channel_for(users[0])}}
        if method in ("chat.postMessage", "chat.update"):
            channel = str(args.get("channel", ""))
            if not channel:
                return {"ok": False, "error": "channel_not_found"}
            if channel.startswith(("U", "W")):
                channel = dm_channel_for(channel)
            ts = str(args.get("ts")) if method == "chat.update" else self._next_ts()
            return ok | {
                "channel": channel,
                "ts": ts,
                "message": {"text": args.get("text"), "user": BOT_USER_ID, "ts": ts},
            }
        if method == "chat.postEphemeral":
            return ok | {"message_ts": self._next_ts()}
        if method == "chat.delete":
            return ok | {"channel": args.get("channel"), "ts": args.get("ts")}
        if method == "pins.add":
            with self._lock:
                key = (str(args.get("channel")), str(args.get("timestamp")))
                if key in self.state.pins:
                    return {"ok": False, "error": "already_pinned"}
                self.state.pins.add(key)
            return ok
        if method == "reactions.add":
            return ok
        if method == "users.info":
            user = self.state.users.get(str(args.get("user")))
            return ok | {"user": user} if user else {"ok": False, "error": "user_not_found"}
        if method in ("views.open", "views.push", "views.update"):
            view = args.get("view") or {}
            external_id = str(args.get("external_id") or "")
            if method == "views.update" and not args.get("view_id") and not external_id:
                return {"ok": False, "error": "invalid_arguments"}
            view_id = str(args.get("view_id") or f"V{next(self._view_ids):08d}")
            with self._lock:
                self.state.views[view_id] = view
                if external_id:
                    self.state.external_views[external_id] = view
            return ok | {"view": view | {"id": view_id}}
        if method == "users.lookupByEmail":
            wanted = str(args.get("email") or "").strip().lower()
            with self._lock:
                found = next(
                    (
                        u
                        for u in self.state.users.values()
                        if str(u["profile"].get("email") or "").lower() == wanted and wanted
                    ),
                    None,
                )
            return ok | {"user": found} if found else {"ok": False, "error": "users_not_found"}
        if method == "files.getUploadURLExternal":
            if not args.get("filename") or not str(args.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"FUP{next(self._ts):07d}"
            with self._lock:
                self.state.pending_uploads[file_id] = {
                    "filename": str(args["filename"]),
                    "alt_txt": args.get("alt_txt"),
                    "length": int(args["length"]),
                    "content": None,
                }
            return ok | {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            return self._complete_upload(args)
        if method == "views.publish":
            with self._lock:
                self.state.home[str(args.get("user_id"))] = args.get("view") or {}
            return ok | {"view": (args.get("view") or {}) | {"id": f"VH{args.get('user_id')}"}}
        if method == "apps.connections.open":
            return ok | {"url": self.socket_mode.url}
        if method == "files.info":
            stored = self.state.files.get(str(args.get("file")))
            if stored is not None:
                return ok | {
                    "file": {
                        "id": stored.file_id,
                        "name": stored.name,
                        "title": stored.name,
                        "mimetype": stored.mimetype,
                        "size": len(stored.content),
                        "url_private": f"{self.url}/files/{stored.file_id}/{stored.name}",
                        "url_private_download": f"{self.url}/files/{stored.file_id}/download/{stored.name}",
                    }
                }
            return ok | {"file": {"id": args.get("file"), "name": "proof.png", "mimetype": "image/png"}}
        return {"ok": False, "error": "unknown_method"}

    def _complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            listed = json.loads(str(args.get("files") or "[]"))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        channel = args.get("channel_id")
        done = []
        with self._lock:
            for item in listed if isinstance(listed, list) else []:
                pending = self.state.pending_uploads.pop(str(item.get("id")), None)
                if pending is None or pending["content"] is None:
                    return {"ok": False, "error": "file_not_found"}
                upload = Upload(
                    file_id=str(item["id"]),
                    filename=pending["filename"],
                    title=item.get("title"),
                    alt_txt=pending["alt_txt"],
                    content=pending["content"],
                    channel=str(channel) if channel else None,
                    initial_comment=args.get("initial_comment"),
                )
                self.state.uploads.append(upload)
                done.append({"id": upload.file_id, "name": upload.filename, "title": upload.title})
        if not done:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "files": done}

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        """The bytes posted to an upload URL; refused for an unknown id or the wrong length."""
        with self._lock:
            pending = self.state.pending_uploads.get(file_id)
            if pending is None or pending["length"] != len(content):
                return False
            pending["content"] = content
        return True

    def serve_file(self, file_id: str, authorization: str) -> StoredFile | None:
        """A private file's bytes, only for a request carrying a bot token (as Slack's file URLs)."""
        if not authorization.startswith("Bearer xoxb-"):
            return None
        with self._lock:
            return self.state.files.get(file_id)

    def handle_response_url(self, token: str, payload: dict[str, Any]) -> bool:
        problems = message_problems(payload)
        with self._lock:
            if problems:
                self.state.rejected.append(("response_url", problems))
                return False
            self.state.responses.append(ResponseUrlPost(token=token, payload=payload))
        return True

    def rejected(self) -> list[tuple[str, list[str]]]:
        """Payloads refused as Slack would refuse them: (method, problems)."""
        with self._lock:
            return list(self.state.rejected)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 resets connections under a burst


def _payload_problems(method: str, args: dict[str, Any]) -> list[str]:
    if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
        return message_problems(args)
    if method in ("views.open", "views.push", "views.update", "views.publish"):
        return view_problems(args.get("view"))
    return []


def dm_channel_for(user_id: str) -> str:
    return "D" + user_id[1:]


def _handler_for(standin: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) >= 2 and parts[0] == "files":
                stored = standin.serve_file(parts[1], self.headers.get("Authorization", ""))
                if stored is None:
                    # Slack answers a file URL without a valid token with its sign-in page.
                    self._send_bytes(200, b"<html>sign in</html>", "text/html")
                    return
                self._send_bytes(200, stored.content, stored.mimetype)
                return
            self._send(404, {"ok": False, "error": "not_found"}, {})

        def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path.startswith("/upload/"):
                accepted = standin.receive_upload(self.path[len("/upload/") :].split("?")[0], body)
                self._send_bytes(200 if accepted else 400, b"OK - %d" % len(body), "text/plain")
                return
            raw = body.decode("utf-8")
            args = _parse_body(raw, self.headers.get("Content-Type", ""))
            if self.path.startswith("/api/"):
                method = self.path[len("/api/") :].split("?")[0]
                status, answer, headers = standin.handle_api(method, args)
                self._send(status, answer, headers)
            elif self.path.startswith("/response/"):
                accepted = standin.handle_response_url(self.path[len("/response/") :], args)
                self._send(
                    200 if accepted else 400,
                    {"ok": accepted} | ({} if accepted else {"error": "invalid_blocks"}),
                    {},
                )
            else:
                self._send(404, {"ok": False, "error": "not_found"}, {})

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _parse_body(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        parsed = json.loads(raw or "{}")
        return parsed if isinstance(parsed, dict) else {}
    args: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    for key in JSON_ARGS:
        if isinstance(args.get(key), str):
            try:
                args[key] = json.loads(args[key])
            except ValueError:
                pass
    return args


def wait_for(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return bool(predicate())
