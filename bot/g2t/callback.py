"""GET /g2t/oauth/callback: where GoTo sends the admin back after `training-day g2t connect` in
HTTP mode. The state must name a sign-in the bot started in the last 30 minutes and not used yet
(bot/g2t/sign_in.py): it is claimed before the code is exchanged, so a replayed address changes
nothing, and a code for another organizer than the connected one waits for the admin's yes in
the command that started the sign-in. Nobody connects the bot to an account of theirs by sending
it a code."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from bot.core.context import AppContext
from bot.g2t import sign_in
from bot.g2t import tokens as g2t_tokens
from bot.g2t.errors import G2TError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/g2t/oauth/callback"
# GoTo's codes are a few dozen characters; a page of text is not one.
CODE_LIMIT = 512

WsgiApp = Callable[..., Iterable[bytes]]


def routes(ctx: AppContext) -> dict[str, WsgiApp]:
    return {CALLBACK_PATH: lambda environ, start_response: _callback(ctx, environ, start_response)}


def _callback(
    ctx: AppContext, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    if environ.get("REQUEST_METHOD") != "GET":
        return _page(start_response, "405 Method Not Allowed", "Use the link GoTo sent you back with.")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if "error" in query:
        return _page(start_response, "400 Bad Request", f"GoTo did not grant access: {query['error'][:100]}.")
    code, state = query.get("code"), query.get("state", "")
    if not code:
        return _page(start_response, "400 Bad Request", "This address needs the code GoTo adds to it.")
    if len(code) > CODE_LIMIT or not code.isascii():
        return _page(start_response, "400 Bad Request", "This is not a code GoTo hands out.")
    claimed = sign_in.claim(ctx, state)
    if claimed is None:
        return _page(
            start_response,
            "400 Bad Request",
            "This sign-in link was already used, is older than 30 minutes, or was not started by "
            "`training-day g2t connect`. Nothing changed. Run `training-day g2t connect` again.",
        )
    try:
        # The redirect URI of the authorize step, which GoTo checks again: the one the sign-in stored.
        answer = g2t_tokens.exchange(ctx, code, claimed.redirect_uri)
        result = sign_in.finish(ctx, claimed, answer)
    except G2TError as exc:
        sign_in.failed(ctx, claimed)
        log.warning("G2T connect from the callback failed: %s", exc.message)
        return _page(start_response, "502 Bad Gateway", f"Connecting failed: {exc.message}")
    if not result.changed:
        current = result.current.describe() if result.current else "another account"
        return _page(
            start_response,
            "202 Accepted",
            f"Not switched yet: you signed in to GoTo as {result.account.describe()}, but Training Day "
            f"is connected as {current}. Nothing changed. Go back to the `training-day g2t connect` "
            "window and confirm the switch there.",
        )
    return _page(
        start_response,
        "200 OK",
        f"Training Day is connected to GoTo Training as {result.account.describe()}. You can close this page.",
    )


def _page(start_response: Callable[..., Any], status: str, message: str) -> Iterable[bytes]:
    body = (
        "<!doctype html><meta charset=utf-8><title>Training Day – GoTo Training</title>"
        f"<p>{html.escape(message)}</p>"
    ).encode()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
