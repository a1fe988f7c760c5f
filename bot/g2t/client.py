"""A small typed client of the GoTo Training REST API (https://api.getgo.com/G2T/rest).

Paths, bodies and status codes follow GoTo's OpenAPI description (gototraining 1.0.0):
- POST   /organizers/{o}/trainings                              201, the trainingKey (a string)
- GET    /organizers/{o}/trainings                              200, [Training]
- PUT    /organizers/{o}/trainings/{t}/times                    200, NotifiedParties
- POST   /organizers/{o}/trainings/{t}/registrants              201, RegistrantCreated; 409 duplicate
- GET    /organizers/{o}/trainings/{t}/registrants              200, [Registrant]
- DELETE /organizers/{o}/trainings/{t}/registrants/{r}          204; 404 unknown
- GET    /organizers/{o}/trainings/{t}/startUrl                 200, a URL (a string)
- GET    /reports/organizers/{o}/trainings/{t}                  200, [Session] (completed sessions only)
- GET    /reports/organizers/{o}/sessions/{s}/attendees         200, [Attendee] (absent ones last, 0)

Faults: a 401 renews the access token and tries once more; a 429 waits what Retry-After says; a
timeout, a dropped connection or a 5xx is retried with backoff. Requests are spaced to stay under
GoTo's 10 per second. Whatever still fails becomes a G2TError.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from bot.core import logs
from bot.g2t.errors import AlreadyRegistered, G2TError

# Every request's URL carries the organizer key, and httpx logs it at INFO.
logs.redact_http_client_lines()

DEFAULT_API_URL = "https://api.getgo.com/G2T/rest"
# GoTo allows 10 requests a second; one less leaves room for the clock's jitter.
PER_SECOND = 9.0


class TokenSource(Protocol):
    """Where the client gets its access token and organizer key (bot/services/g2t_tokens.py)."""

    @property
    def organizer_key(self) -> str: ...

    def access_token(self) -> str: ...

    def renew(self) -> str:
        """A fresh access token, after GoTo answered 401 to the current one."""
        ...


@dataclass(frozen=True)
class Registrant:
    registrant_key: str
    join_url: str
    email: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class SessionReport:
    session_key: str
    start: datetime
    end: datetime
    attendance_count: int


@dataclass(frozen=True)
class InSessionTime:
    join: datetime
    leave: datetime
    minutes: int


@dataclass(frozen=True)
class Attendee:
    email: str
    given_name: str
    surname: str
    time_in_session: int
    in_session_times: tuple[InSessionTime, ...]


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart across threads (GoTo allows 10 a second)."""

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            self._sleep(slot - now)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class G2TClient:
    def __init__(
        self,
        tokens: TokenSource,
        *,
        base_url: str = DEFAULT_API_URL,
        http: httpx.Client | None = None,
        timeout: float = 15.0,
        retries: int = 3,
        backoff_seconds: float = 0.5,
        max_retry_after: float = 60.0,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self.base_url = base_url.rstrip("/")
        self._http = http or httpx.Client(timeout=timeout)
        self._retries = retries
        self._backoff = backoff_seconds
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self.limiter = limiter or RateLimiter(PER_SECOND, sleep=sleep)

    def close(self) -> None:
        self._http.close()

    # -- trainings ---------------------------------------------------------------------------
    def create_training(
        self, *, name: str, description: str, timezone: str, times: Sequence[tuple[datetime, datetime]]
    ) -> str:
        body = {
            "name": name,
            "description": description,
            "timeZone": timezone,
            "times": _times(times),
            # Agents get their join link from the bot; GoTo's own email would be a second copy.
            "registrationSettings": {"disableWebRegistration": True, "disableConfirmationEmail": True},
        }
        # Not retried after a 5xx or a timeout: GoTo may have created it (the service looks first).
        answer = self._call(
            "POST", f"{self._org}/trainings", json=body, ok=(201, 200), repeatable=False
        ).json()
        return str(answer["trainingKey"] if isinstance(answer, dict) else answer)

    def trainings(self) -> list[dict[str, Any]]:
        answer = self._call("GET", f"{self._org}/trainings").json()
        return list(answer) if isinstance(answer, list) else []

    def update_times(
        self,
        training_key: str,
        *,
        timezone: str,
        times: Sequence[tuple[datetime, datetime]],
        notify_registrants: bool = False,
    ) -> dict[str, Any]:
        body = {
            "timeZone": timezone,
            "times": _times(times),
            "notifyRegistrants": notify_registrants,
            "notifyTrainers": False,
        }
        answer = self._call("PUT", f"{self._org}/trainings/{training_key}/times", json=body).json()
        return answer if isinstance(answer, dict) else {}

    def start_url(self, training_key: str) -> str:
        answer = self._call("GET", f"{self._org}/trainings/{training_key}/startUrl").json()
        return str(answer.get("hostURL") if isinstance(answer, dict) else answer)

    # -- registrants -------------------------------------------------------------------------
    def register(self, training_key: str, *, email: str, given_name: str, surname: str) -> Registrant:
        """Raises AlreadyRegistered on 409 (see register_once)."""
        body = {"email": email, "givenName": given_name, "surname": surname}
        try:
            answer = self._call(
                "POST", f"{self._org}/trainings/{training_key}/registrants", json=body, ok=(201, 200)
            ).json()
        except G2TError as exc:
            if exc.status == 409:
                raise AlreadyRegistered(f"{email} is already registered", status=409) from exc
            raise
        return Registrant(
            registrant_key=str(answer["registrantKey"]), join_url=str(answer["joinUrl"]), email=email
        )

    def registrants(self, training_key: str) -> list[Registrant]:
        answer = self._call("GET", f"{self._org}/trainings/{training_key}/registrants").json()
        return [
            Registrant(
                registrant_key=str(r["registrantKey"]),
                join_url=str(r.get("joinUrl") or ""),
                email=r.get("email"),
                status=r.get("status"),
            )
            for r in answer or []
        ]

    def register_once(self, training_key: str, *, email: str, given_name: str, surname: str) -> Registrant:
        """Register, or, when GoTo says the address is registered already (409: an earlier attempt
        whose answer was lost, or a registration made by hand), adopt that registration."""
        try:
            return self.register(training_key, email=email, given_name=given_name, surname=surname)
        except AlreadyRegistered:
            wanted = email.strip().lower()
            for registrant in self.registrants(training_key):
                if (registrant.email or "").strip().lower() == wanted:
                    return registrant
            raise

    def cancel_registration(self, training_key: str, registrant_key: str) -> bool:
        """False when GoTo no longer knows the registration (404): it is gone either way."""
        try:
            self._call(
                "DELETE", f"{self._org}/trainings/{training_key}/registrants/{registrant_key}", ok=(204, 200)
            )
        except G2TError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    # -- reports -----------------------------------------------------------------------------
    def sessions(self, training_key: str) -> list[SessionReport]:
        path = f"/reports/organizers/{self.tokens.organizer_key}/trainings/{training_key}"
        try:
            answer = self._call("GET", path).json()
        except G2TError as exc:
            if exc.status == 404:  # no completed session yet
                return []
            raise
        return [
            SessionReport(
                session_key=str(s["sessionKey"]),
                start=parse_time(s["sessionStartTime"]),
                end=parse_time(s["sessionEndTime"]),
                attendance_count=int(s.get("attendanceCount") or 0),
            )
            for s in answer or []
        ]

    def attendees(self, session_key: str) -> list[Attendee]:
        path = f"/reports/organizers/{self.tokens.organizer_key}/sessions/{session_key}/attendees"
        answer = self._call("GET", path).json()
        return [
            Attendee(
                email=str(a.get("email") or ""),
                given_name=str(a.get("givenName") or ""),
                surname=str(a.get("surname") or ""),
                time_in_session=int(a.get("timeInSession") or 0),
                in_session_times=tuple(
                    InSessionTime(
                        join=parse_time(t["joinTime"]),
                        leave=parse_time(t["leaveTime"]),
                        minutes=int(t.get("timeInPartOfSession") or 0),
                    )
                    for t in a.get("inSessionTimes") or []
                ),
            )
            for a in answer or []
        ]

    # -- the transport -----------------------------------------------------------------------
    @property
    def _org(self) -> str:
        return f"/organizers/{self.tokens.organizer_key}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        ok: tuple[int, ...] = (200,),
        repeatable: bool = True,
    ) -> httpx.Response:
        """`repeatable`: sending the request twice does no harm (GET, PUT, DELETE, and the
        registration, whose repeat is a 409). Otherwise only a request GoTo never received
        (no connection, 429) is sent again."""
        token = self.tokens.access_token()
        renewed = False
        attempt = 0
        what = f"{method} {path.split('/')[-1] if path.count('/') > 2 else path}"
        while True:
            self.limiter.wait()
            try:
                response = self._http.request(
                    method,
                    self.base_url + path,
                    json=json,
                    headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                )
            except httpx.TransportError as exc:  # timeouts, refused or dropped connections
                unsent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                if attempt < self._retries and (repeatable or unsent):
                    self._sleep(self._backoff * 2**attempt)
                    attempt += 1
                    continue
                raise G2TError(
                    f"GoTo Training did not answer ({exc.__class__.__name__})", retryable=True
                ) from exc
            status = response.status_code
            if status in ok:
                return response
            if status == 401 and not renewed:
                token, renewed = self.tokens.renew(), True
                continue
            if status == 429 or status >= 500:
                if attempt < self._retries and (repeatable or status == 429):
                    wait = _retry_after(response) if status == 429 else None
                    self._sleep(
                        min(self._max_retry_after, wait if wait is not None else self._backoff * 2**attempt)
                    )
                    attempt += 1
                    continue
                busy = "is limiting our requests" if status == 429 else "is unavailable"
                raise G2TError(f"GoTo Training {busy} ({status})", status=status, retryable=True)
            raise G2TError(f"GoTo Training refused {what} ({status}: {_detail(response)})", status=status)


def _times(times: Sequence[tuple[datetime, datetime]]) -> list[dict[str, str]]:
    return [{"startDate": iso(start), "endDate": iso(end)} for start, end in times]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "no details"
    if isinstance(body, dict):
        return str(body.get("description") or body.get("message") or body.get("errorCode") or body)[:200]
    return str(body)[:200]
