"""The one place listener errors become messages.

A DomainError is shown to the person as is; anything else is logged and the person is told
nothing was saved. Listeners are wrapped with `@listener` rather than relying on `@app.error`
alone: with process_before_response=False Bolt runs a listener in a worker thread, and when it
raises after ack() Bolt overwrites the ack with None and answers Slack 404 (see
slack_bolt/listener/thread_runner.py). `@app.error` still covers errors raised in middleware.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.core.errors import DomainError

log = logging.getLogger(__name__)

UNEXPECTED = (
    ":warning: Something went wrong on our side and nothing was saved. Please try again in a minute; "
    "if it keeps happening, tell your team lead."
)


SLACK_REFUSED = (
    ":warning: Slack refused what I tried to do (`{error}`). Please try again in a moment; "
    "if it keeps happening, tell your team lead."
)


def report(error: BaseException, body: dict[str, Any] | None, respond: Any, client: Any) -> None:
    """Tell the person who triggered the request what went wrong, where they will see it."""
    if isinstance(error, DomainError):
        message = error.message
    elif isinstance(error, SlackApiError):
        log.warning("Slack refused a call in a listener: %s", error.response.get("error"))
        message = SLACK_REFUSED.format(error=error.response.get("error") or error.response.status_code)
    else:
        log.error("unhandled error in a listener", exc_info=error)
        message = UNEXPECTED
    body = body or {}
    try:
        if body.get("response_url") and respond is not None:
            respond(text=message, response_type="ephemeral", replace_original=False)
            return
        user = (
            (body.get("user") or {}).get("id") if isinstance(body.get("user"), dict) else body.get("user_id")
        )
        if user and body.get("type") in ("block_actions", "view_submission") and client is not None:
            client.chat_postMessage(channel=user, text=message)
    except Exception:  # noqa: BLE001 - reporting must never raise into Bolt's runner
        log.exception("could not tell the user about an error")


def listener(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a Bolt listener so its errors are reported and never reach Bolt's thread runner."""
    wanted = [name for name in inspect.signature(fn).parameters]

    # Bolt injects arguments by the wrapper's own parameter names (no functools.wraps on
    # purpose: Bolt unwraps __wrapped__), so the wrapper asks for everything and passes on
    # only what the listener declares.
    def wrapper(ack, body, payload, respond, client, context, logger, command, event, action, view, say):  # type: ignore[no-untyped-def]
        available = {
            "ack": ack,
            "body": body,
            "payload": payload,
            "respond": respond,
            "client": client,
            "context": context,
            "logger": logger,
            "command": command,
            "event": event,
            "action": action,
            "view": view,
            "say": say,
        }
        try:
            return fn(**{name: available[name] for name in wanted})
        except Exception as error:  # noqa: BLE001 - this is the one central handler
            if ack is not None and ack.response is None:
                ack()
            report(error, body, respond, client)
            return None

    wrapper.__name__ = fn.__name__
    wrapper.__qualname__ = fn.__qualname__
    return wrapper


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Any, client: Any) -> None:
        report(error, body, respond, client)
