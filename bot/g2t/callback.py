"""GET /g2t/oauth/callback: where GoTo sends the admin back after `training-day g2t connect` in
HTTP mode. The code is exchanged at once; the state must be one the bot signed in the last 30
minutes, so nobody can connect the bot to another GoTo account by sending it a code of theirs."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from bot.core.context import AppContext
from bot.g2t import tokens as g2t_tokens
from bot.g2t.errors import G2TError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/g2t/oauth/callback"

WsgiApp = Callable[..., Iterable[bytes]]


def routes(ctx: AppContext) -> dict[str, WsgiApp]:
    return {CALLBACK_PATH: lambda environ, start_response: _callback(ctx, environ, start_response)}


def redirect_uri_of(environ: dict[str, Any], configured: str | None) -> str:
    """The redirect URI GoTo used: the configured one, else this request's own address."""
    if configured:
        return configured
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    return f"{scheme}://{host}{CALLBACK_PATH}"


def _callback(
    ctx: AppContext, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    if environ.get("REQUEST_METHOD") != "GET":
        return _page(start_response, "405 Method Not Allowed", "Use the link GoTo sent you back with.")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if "error" in query:
        return _page(start_response, "400 Bad Request", f"GoTo did not grant access: {query['error']}.")
    code, state = query.get("code"), query.get("state", "")
    if not code:
        return _page(start_response, "400 Bad Request", "This address needs the code GoTo adds to it.")
    if not g2t_tokens.state_ok(ctx.settings, state, ctx.clock.now()):
        return _page(
            start_response,
            "400 Bad Request",
            "This sign-in was not started by `training-day g2t connect` in the last 30 minutes. Run it again.",
        )
    try:
        connection = g2t_tokens.connect(ctx, code, redirect_uri_of(environ, ctx.settings.g2t_redirect_uri))
    except G2TError as exc:
        log.warning("G2T connect from the callback failed: %s", exc.message)
        return _page(start_response, "502 Bad Gateway", f"Connecting failed: {exc.message}")
    who = connection.account_name or connection.account_email or "your GoTo account"
    return _page(
        start_response,
        "200 OK",
        f"Training Day is connected to GoTo Training as {who}. You can close this page.",
    )


def _page(start_response: Callable[..., Any], status: str, message: str) -> Iterable[bytes]:
    body = (
        "<!doctype html><meta charset=utf-8><title>Training Day – GoTo Training</title>"
        f"<p>{html.escape(message)}</p>"
    ).encode()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
