"""The GoTo Training stand-in: an HTTP server on loopback that serves what the bot calls, as
GoTo's OpenAPI description (gototraining 1.0.0) defines it, plus GoTo's OAuth token endpoint.

- `{url}/oauth/authorize` (redirects back with a code) and `POST {url}/oauth/token`
  (authorization_code and refresh_token grants; every refresh rotates the refresh token and
  spends the old one; access tokens last `token_seconds`).
- `{url}/G2T/rest/...`: trainings (201 + the key as a JSON string), times (200 NotifiedParties),
  registrants (201 RegistrantCreated, 409 on a duplicate email, 204/404 on cancel), startUrl,
  and the reports: sessions only once they ended (plus `report_delay`), attendees with
  inSessionTimes[] and timeInSession, those who did not attend last with 0.

Tests (and the demo) hold sessions with `hold_session`, read `calls()`, and ask for faults:
`down()`, `fail(kind, status, ...)` (401 once, 429 with Retry-After, 409, 5xx; `after=True` does
the work first and loses the answer, as a timeout would).
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

ORGANIZER_KEY = "8439885694023999999"
# A fixed Fernet key: the stand-in's tokens are worthless outside the test that made them.
TOKEN_KEY = "q0Hd0m2oYk0a7m3yq2c7pA9o3b5n8r1t4w6z9C2F5H8="
ACCOUNT = {"email": "training@example.com", "firstName": "Tess", "lastName": "Lead"}
# Another organizer's account, for the tests where someone signs in as somebody else.
OTHER_ORGANIZER_KEY = "5550001112223334444"
OTHER_ACCOUNT = {"email": "eve@evil.example", "firstName": "Eve", "lastName": "Else"}
CLIENT_ID = "standin-g2t-client"
CLIENT_SECRET = "standin-g2t-secret"
REST = "/G2T/rest"

# (method, path pattern, kind): `kind` names the call in recordings and faults.
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile("^" + REST + p + "$"), k)
    for m, p, k in [
        ("POST", r"/organizers/(?P<o>\d+)/trainings", "create_training"),
        ("GET", r"/organizers/(?P<o>\d+)/trainings", "trainings"),
        ("PUT", r"/organizers/(?P<o>\d+)/trainings/(?P<t>\d+)/times", "update_times"),
        ("POST", r"/organizers/(?P<o>\d+)/trainings/(?P<t>\d+)/registrants", "register"),
        ("GET", r"/organizers/(?P<o>\d+)/trainings/(?P<t>\d+)/registrants", "registrants"),
        ("DELETE", r"/organizers/(?P<o>\d+)/trainings/(?P<t>\d+)/registrants/(?P<r>\d+)", "cancel"),
        ("GET", r"/organizers/(?P<o>\d+)/trainings/(?P<t>\d+)/startUrl", "start_url"),
        ("GET", r"/reports/organizers/(?P<o>\d+)/trainings/(?P<t>\d+)", "sessions"),
        ("GET", r"/reports/organizers/(?P<o>\d+)/sessions/(?P<s>\d+)/attendees", "attendees"),
    ]
]


@dataclass
class G2TCall:
    method: str
    path: str
    kind: str
    body: Any
    status: int


@dataclass
class G2TFault:
    kind: str  # a route kind, "token", or "*" for every call
    status: int
    times: int | None = 1  # None: until cleared
    retry_after: int | None = None
    after: bool = False  # do the work, then answer with the fault (the answer "got lost")


@dataclass
class Training:
    key: str
    name: str
    description: str
    timezone: str
    times: list[dict[str, str]]
    registrants: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class HeldSession:
    key: str
    training_key: str
    start: datetime
    end: datetime
    presence: dict[str, list[tuple[datetime, datetime]]]


class G2TStandIn:
    def __init__(
        self,
        *,
        now: Callable[[], datetime] | None = None,
        token_seconds: int = 3600,
        report_delay: timedelta = timedelta(minutes=30),
        host: str = "127.0.0.1",
    ) -> None:
        self.now = now or (lambda: datetime.now(UTC))
        self.token_seconds = token_seconds
        self.report_delay = report_delay
        self._lock = threading.Lock()
        self._keys = itertools.count(100_001)
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.reset()

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + REST

    def start(self) -> G2TStandIn:
        self._thread = threading.Thread(target=self._server.serve_forever, name="g2t-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.trainings: dict[str, Training] = {}
            self.sessions: dict[str, HeldSession] = {}
            # code -> (redirect URI, organizer key, account); refresh token -> (organizer key, account)
            self.codes: dict[str, tuple[str, str, dict[str, str]]] = {}
            self.refresh_accounts: dict[str, tuple[str, dict[str, str]]] = {}
            self.access_tokens: dict[str, datetime] = {}
            self.refresh_tokens: set[str] = set()
            self.faults: list[G2TFault] = []
            self._calls: list[G2TCall] = []

    # -- what tests set up -------------------------------------------------------------------
    def authorize(self, redirect_uri: str, *, other_account: bool = False) -> str:
        """The code GoTo would put on the redirect after the admin allowed access (`other_account`:
        after someone signed in as another organizer)."""
        code = "code-" + secrets.token_hex(6)
        who = (OTHER_ORGANIZER_KEY, OTHER_ACCOUNT) if other_account else (ORGANIZER_KEY, ACCOUNT)
        with self._lock:
            self.codes[code] = (redirect_uri, *who)
        return code

    def down(self, status: int = 503) -> None:
        """Every call fails with `status` until `up()`."""
        self.fail("*", status, times=None)

    def up(self) -> None:
        with self._lock:
            self.faults = [f for f in self.faults if not (f.kind == "*" and f.times is None)]

    def fail(
        self,
        kind: str,
        status: int,
        *,
        times: int | None = 1,
        retry_after: int | None = None,
        after: bool = False,
    ) -> None:
        with self._lock:
            self.faults.append(G2TFault(kind, status, times, retry_after, after))

    def expire_tokens(self) -> None:
        """Every access token handed out so far stops working (the next call gets 401)."""
        with self._lock:
            self.access_tokens.clear()

    def hold_session(
        self,
        training_key: str,
        start: datetime,
        end: datetime,
        presence: dict[str, list[tuple[datetime, datetime]]],
    ) -> str:
        """A session of the training took place; its report appears `report_delay` after `end`.
        presence: email -> (join, leave) parts."""
        with self._lock:
            key = str(next(self._keys))
            self.sessions[key] = HeldSession(key, training_key, start, end, presence)
            return key

    # -- what tests read ---------------------------------------------------------------------
    def calls(self, kind: str | None = None) -> list[G2TCall]:
        with self._lock:
            return [c for c in self._calls if kind is None or c.kind == kind]

    def active_registrants(self, training_key: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {
                r["email"]: dict(r)
                for r in self.trainings[training_key].registrants.values()
                if r["status"] == "APPROVED"
            }

    def only_training(self) -> Training:
        with self._lock:
            assert len(self.trainings) == 1, f"{len(self.trainings)} trainings"
            return next(iter(self.trainings.values()))

    # -- the server side ---------------------------------------------------------------------
    def _take_fault(self, kind: str) -> G2TFault | None:
        with self._lock:
            for fault in self.faults:
                if fault.kind in (kind, "*"):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    def _record(self, method: str, path: str, kind: str, body: Any, status: int) -> None:
        with self._lock:
            self._calls.append(G2TCall(method, path, kind, body, status))

    def handle(
        self, method: str, path: str, headers: dict[str, str], raw: str
    ) -> tuple[int, Any, dict[str, str]]:
        route = urlsplit(path)
        if route.path == "/oauth/authorize" and method == "GET":
            query = {k: v[0] for k, v in parse_qs(route.query).items()}
            target = query.get("redirect_uri", "")
            code = self.authorize(target)
            back = {"code": code} | ({"state": query["state"]} if "state" in query else {})
            return 302, None, {"Location": f"{target}{'&' if '?' in target else '?'}{urlencode(back)}"}
        if route.path == "/oauth/token" and method == "POST":
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            status, body, extra = self._token(headers, form)
            self._record(method, route.path, "token", {"grant_type": form.get("grant_type")}, status)
            return status, body, extra
        for verb, pattern, kind in ROUTES:
            match = pattern.match(route.path)
            if verb == method and match:
                body = json.loads(raw) if raw else None
                status, answer, extra = self._api(kind, match.groupdict(), headers, body)
                self._record(method, route.path, kind, body, status)
                return status, answer, extra
        return 404, {"errorCode": "NotFound", "description": f"no route {method} {route.path}"}, {}

    def _fault_answer(self, fault: G2TFault) -> tuple[int, Any, dict[str, str]]:
        extra = {"Retry-After": str(fault.retry_after if fault.retry_after is not None else 1)}
        if fault.status == 429:
            return 429, {"errorCode": "TooManyRequests", "description": "Rate limit exceeded"}, extra
        if fault.status == 401:
            return 401, {"int_err_code": "InvalidToken", "msg": "Invalid token passed"}, {}
        return fault.status, {"errorCode": "Error", "description": f"stand-in fault {fault.status}"}, {}

    def _token(self, headers: dict[str, str], form: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        fault = self._take_fault("token")
        if fault is not None:
            return self._fault_answer(fault)
        import base64

        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if headers.get("authorization") != expected:
            return 401, {"error": "invalid_client", "error_description": "Bad client credentials"}, {}
        with self._lock:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                wanted = self.codes.pop(form.get("code", ""), None)
                if wanted is None or wanted[0] != form.get("redirect_uri", ""):
                    return (
                        400,
                        {"error": "invalid_grant", "error_description": "Invalid authorization code"},
                        {},
                    )
                organizer, account = wanted[1], wanted[2]
            elif grant == "refresh_token":
                spent = form.get("refresh_token", "")
                if spent not in self.refresh_tokens:
                    return 400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}, {}
                self.refresh_tokens.discard(spent)
                organizer, account = self.refresh_accounts.pop(spent, (ORGANIZER_KEY, ACCOUNT))
            else:
                return 400, {"error": "unsupported_grant_type"}, {}
            access, refresh = "at-" + secrets.token_hex(8), "rt-" + secrets.token_hex(8)
            self.access_tokens[access] = self.now() + timedelta(seconds=self.token_seconds)
            self.refresh_tokens.add(refresh)
            self.refresh_accounts[refresh] = (organizer, account)
        return (
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "refresh_token": refresh,
                "expires_in": self.token_seconds,
                "organizer_key": organizer,
                "account_key": "9999982253621659654",
                "account_type": "",
                **account,
            },
            {},
        )

    def _authorized(self, headers: dict[str, str]) -> bool:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        with self._lock:
            expires = self.access_tokens.get(token)
        return expires is not None and self.now() < expires

    def _api(
        self, kind: str, keys: dict[str, str], headers: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        fault = self._take_fault(kind)
        if fault is not None and not fault.after:
            return self._fault_answer(fault)
        if not self._authorized(headers):
            return 401, {"int_err_code": "InvalidToken", "msg": "Invalid token passed"}, {}
        if keys.get("o") != ORGANIZER_KEY:
            return 403, {"errorCode": "Forbidden", "description": "Not your organizer key"}, {}
        status, answer = self._serve(kind, keys, body)
        if fault is not None:
            return self._fault_answer(fault)
        return status, answer, {}

    def _serve(self, kind: str, keys: dict[str, str], body: Any) -> tuple[int, Any]:
        with self._lock:
            if kind == "create_training":
                if not body or not body.get("name") or not body.get("timeZone") or not body.get("times"):
                    return 400, {
                        "errorCode": "InvalidRequest",
                        "description": "name, timeZone, times required",
                    }
                key = str(next(self._keys))
                self.trainings[key] = Training(
                    key, body["name"], body.get("description", ""), body["timeZone"], body["times"]
                )
                return 201, key
            if kind == "trainings":
                return 200, [
                    {
                        "trainingKey": t.key,
                        "trainingId": t.key[-9:],
                        "name": t.name,
                        "description": t.description,
                        "timeZone": t.timezone,
                        "times": t.times,
                        "organizers": [],
                        "registrationSettings": {
                            "disableWebRegistration": True,
                            "disableConfirmationEmail": True,
                        },
                    }
                    for t in self.trainings.values()
                ]
            training = self.trainings.get(keys.get("t", ""))
            if kind in ("sessions", "attendees"):
                return self._report(kind, keys, training)
            if training is None:
                return 404, {"errorCode": "NotFound", "description": "Training not found"}
            if kind == "update_times":
                training.times = body["times"]
                training.timezone = body.get("timeZone", training.timezone)
                notified = sum(1 for r in training.registrants.values() if r["status"] == "APPROVED")
                return 200, {
                    "notifiedRegistrants": notified if body.get("notifyRegistrants", True) else 0,
                    "notifiedTrainers": 1 if body.get("notifyTrainers", True) else 0,
                }
            if kind == "register":
                email = (body or {}).get("email", "").strip().lower()
                if not email or not body.get("givenName") or not body.get("surname"):
                    return 400, {
                        "errorCode": "InvalidRequest",
                        "description": "email, givenName, surname required",
                    }
                if any(
                    r["email"] == email and r["status"] == "APPROVED" for r in training.registrants.values()
                ):
                    return 409, {"errorCode": "Conflict", "description": "The registrant already exists"}
                created = self._register(training, email, body["givenName"], body["surname"])
                return 201, {k: created[k] for k in ("joinUrl", "confirmationUrl", "registrantKey")}
            if kind == "registrants":
                return 200, [r for r in training.registrants.values() if r["status"] == "APPROVED"]
            if kind == "cancel":
                registrant = training.registrants.get(keys["r"])
                if registrant is None or registrant["status"] != "APPROVED":
                    return 404, {"errorCode": "NotFound", "description": "Registrant not found"}
                registrant["status"] = "CANCELLED"
                return 204, None
            if kind == "start_url":
                return 200, f"https://global.gototraining.com/start/{training.key}?o={ORGANIZER_KEY}"
        return 404, {"errorCode": "NotFound", "description": kind}

    def _register(self, training: Training, email: str, given: str, surname: str) -> dict[str, Any]:
        key = str(next(self._keys))
        registrant = {
            "registrantKey": key,
            "email": email.strip().lower(),
            "givenName": given,
            "surname": surname,
            "status": "APPROVED",
            "registrationDate": self.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "joinUrl": f"https://global.gototraining.com/join/training/{training.key}/{key}",
            "confirmationUrl": f"https://global.gototraining.com/confirm/{key}",
        }
        training.registrants[key] = registrant
        return registrant

    def _report(self, kind: str, keys: dict[str, str], training: Training | None) -> tuple[int, Any]:
        ended = self.now() - self.report_delay
        if kind == "sessions":
            if training is None:
                return 404, {"errorCode": "NotFound", "description": "Training not found"}
            return 200, [
                {
                    "sessionKey": s.key,
                    "trainingName": training.name,
                    "sessionStartTime": _iso(s.start),
                    "sessionEndTime": _iso(s.end),
                    "attendanceCount": len(s.presence),
                    "duration": int((s.end - s.start).total_seconds() // 60),
                    "organizers": [],
                }
                for s in self.sessions.values()
                if s.training_key == training.key and s.end <= ended
            ]
        held = self.sessions.get(keys["s"])
        if held is None or held.end > ended:
            return 404, {"errorCode": "NotFound", "description": "Session not found"}
        people = self.trainings[held.training_key].registrants.values()
        came: list[dict[str, Any]] = []
        missed: list[dict[str, Any]] = []
        for r in people:
            parts = sorted(held.presence.get(r["email"], []))
            times: list[dict[str, Any]] = [
                {
                    "joinTime": _iso(join),
                    "leaveTime": _iso(leave),
                    "timeInPartOfSession": int((leave - join).total_seconds() // 60),
                }
                for join, leave in parts
            ]
            row = {
                "email": r["email"],
                "givenName": r["givenName"],
                "surname": r["surname"],
                "timeInSession": sum(int(t["timeInPartOfSession"]) for t in times),
                "inSessionTimes": times,
            }
            (came if times else missed).append(row)
        return 200, came + missed


def g2t_settings(standin: G2TStandIn) -> dict[str, Any]:
    """The settings that point the bot at this stand-in (no waiting between retries)."""
    return {
        "g2t_client_id": CLIENT_ID,
        "g2t_client_secret": CLIENT_SECRET,
        "g2t_api_url": standin.api_url,
        "g2t_auth_url": standin.url,
        "g2t_token_key": TOKEN_KEY,
        "g2t_retry_backoff_seconds": 0.0,
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _handler_for(standin: G2TStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8") if length else ""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body, extra = standin.handle(self.command, self.path, headers, raw)
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's naming

    return Handler
