"""GoTo's OAuth 2 authorization-code flow (authentication.logmeininc.com).

- The admin opens `{auth}/oauth/authorize?client_id=...&response_type=code&redirect_uri=...`,
  signs in, and GoTo redirects to the redirect URI with `?code=...`.
- `POST {auth}/oauth/token` with HTTP Basic (client id:secret) and a form body
  `grant_type=authorization_code&code=...&redirect_uri=...` (the redirect URI must be the one of
  the authorize step) answers access_token, expires_in (3600), refresh_token, organizer_key, ...
- `grant_type=refresh_token&refresh_token=...` renews it. A refresh token is consumed by use, so
  the answer's refresh_token replaces the stored one (when GoTo leaves it out, the old one stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.g2t.errors import G2TError


@dataclass(frozen=True)
class TokenAnswer:
    access_token: str
    expires_in: int
    refresh_token: str | None
    organizer_key: str | None
    account_key: str | None = None
    email: str | None = None
    name: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> TokenAnswer:
        if not body.get("access_token"):
            raise G2TError("GoTo's token answer carries no access_token")
        first, last = body.get("firstName") or "", body.get("lastName") or ""
        return cls(
            access_token=str(body["access_token"]),
            expires_in=int(body.get("expires_in") or 3600),
            refresh_token=body.get("refresh_token") or None,
            organizer_key=str(body["organizer_key"]) if body.get("organizer_key") else None,
            account_key=str(body["account_key"]) if body.get("account_key") else None,
            email=body.get("email") or body.get("principal") or None,
            name=f"{first} {last}".strip() or None,
        )


def authorize_url(auth_url: str, client_id: str, redirect_uri: str, state: str | None = None) -> str:
    query = {"client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri}
    if state:
        query["state"] = state
    return f"{auth_url.rstrip('/')}/oauth/authorize?{urlencode(query)}"


class OAuthClient:
    def __init__(self, auth_url: str, client_id: str, client_secret: str, *, timeout: float = 15.0) -> None:
        self.token_url = f"{auth_url.rstrip('/')}/oauth/token"
        self._auth = (client_id, client_secret)
        self._timeout = timeout

    def exchange_code(self, code: str, redirect_uri: str) -> TokenAnswer:
        return self._token(
            {"grant_type": "authorization_code", "code": code.strip(), "redirect_uri": redirect_uri}
        )

    def refresh(self, refresh_token: str) -> TokenAnswer:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, form: dict[str, str]) -> TokenAnswer:
        try:
            response = httpx.post(
                self.token_url,
                data=form,
                auth=self._auth,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
            )
        except httpx.HTTPError as exc:
            raise G2TError(
                f"GoTo's sign-in service did not answer ({exc.__class__.__name__})", retryable=True
            ) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise G2TError(
                f"GoTo's sign-in service is unavailable ({response.status_code})",
                status=response.status_code,
                retryable=True,
            )
        if response.status_code != 200:
            raise G2TError(
                f"GoTo refused the {form['grant_type'].replace('_', ' ')} ({response.status_code}: "
                f"{_error_of(response)})",
                status=response.status_code,
            )
        return TokenAnswer.from_json(response.json())


def _error_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "no details"
    if isinstance(body, dict):
        return str(body.get("error_description") or body.get("error") or body)[:200]
    return str(body)[:200]
