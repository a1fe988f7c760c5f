"""The one wrapper every listener goes through: ack, caller, deferred messages, errors, replies.

A listener is a named top-level function that parses the request, calls one service function and
returns a Reply (handlers/replies.py). It asks for what it needs by parameter name: `ctx`,
`caller`, and Bolt's `body`, `command`, `action`, `view`, `event`. It never opens a unit of work,
acks, or talks to Slack itself; this module does, in this order:

- commands and buttons are acked at once (Slack drops what is not acked within 3 seconds), then the
  listener runs in Bolt's worker thread;
- a modal submission runs first, so a refusal can be shown on its field, then it is acked;
- the messages the service enqueued are sent after the ack; the reply names anyone who could not
  be reached yet (the outbox retries them) instead of asking the person to try again;
- a DomainError becomes its message; a Slack refusal, or anything unexpected, is logged with the
  person and the action and answered plainly. Nothing reaches Bolt's runner, which would
  otherwise overwrite the ack and answer Slack 404 (slack_bolt/listener/thread_runner.py).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any, Literal, TypeGuard, TypeVar

from slack_bolt import Ack, BoltRequest, BoltResponse, Respond
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import log_context, outbox
from bot.core.context import AppContext
from bot.core.errors import DomainError
from bot.core.unit_of_work import Caller, committed_use_cases, deferred_messages, send_enqueued
from bot.slack import ids
from bot.slack.blocks import fit_blocks, fit_text, fit_view
from handlers.replies import (
    CloseModals,
    EditMessage,
    FieldErrors,
    Many,
    Nothing,
    OpenModal,
    PublishHome,
    PushModal,
    Reply,
    Say,
    UpdateModal,
)

log = logging.getLogger(__name__)

Kind = Literal["command", "action", "view", "event"]
T = TypeVar("T")

UNEXPECTED = (
    ":warning: Something went wrong on our side and nothing was saved. Please try again in a minute; "
    "if it keeps happening, tell your team lead."
)
SLACK_REFUSED = (
    ":warning: Slack refused what I tried to do (`{error}`). Please try again in a moment; "
    "if it keeps happening, tell your team lead."
)
SAVED_THEN_FAILED = (
    ":warning: That was saved, but something went wrong on our side afterwards, so I cannot show the "
    "result here. Check it (the Home or the class channel) before trying again; if something is "
    "missing, tell your team lead."
)
UNSENT = ":hourglass: Saved, but I could not reach {who} just now; I will keep trying."
# Slack shows at most 150 characters under a modal field.
FIELD_ERROR_LIMIT = 150
# Slack's ids are 9 to 11 characters today; room for growth, none for a paragraph.
SLACK_ID_LIMIT = 32


def caller_of(kind: Kind, body: dict[str, Any], event: dict[str, Any] | None) -> Caller | None:
    """Who sent the request, from the part of the payload Slack fills for its kind."""
    if kind == "command":
        user = body.get("user_id")
    elif kind == "event":
        raw = (event or {}).get("user")
        user = raw.get("id") if isinstance(raw, dict) else raw
    else:
        raw = body.get("user")
        user = raw.get("id") if isinstance(raw, dict) else None
    if not _slack_id(user):
        return None
    if kind == "view":
        view = body.get("view")
        view_id = view.get("id") if isinstance(view, dict) else None
        # A modal's view id is the same on a double click or a retried submit: one write.
        return Caller(
            user, request_key=f"view:{view_id}:{user}" if isinstance(view_id, str) and view_id else None
        )
    return Caller(user)


def wrap(
    ctx: AppContext,
    kind: Kind,
    fn: Callable[..., Reply],
    *,
    fields: dict[str, str] | None = None,
    error_field: str | None = None,
) -> Callable[..., Any]:
    """The Bolt listener for `fn`. For a modal: `fields` maps a refusal's field name to its block,
    `error_field` is the block that shows refusals that name no field."""
    wanted = list(inspect.signature(fn).parameters)
    name = fn.__name__

    # Bolt injects arguments by the wrapper's own parameter names (so no functools.wraps: Bolt
    # follows __wrapped__), and the wrapper passes on only what the listener declares.
    def listener(
        ack: Ack,
        body: dict[str, Any],
        respond: Respond,
        client: WebClient,
        command: dict[str, Any] | None,
        action: dict[str, Any] | None,
        view: dict[str, Any] | None,
        event: dict[str, Any] | None,
    ) -> None:
        # Each listener runs in its own copy of the request's context (TrackingExecutor): bound
        # here, the name lasts as long as this request's work.
        log_context.bind(handler=name)
        caller = caller_of(kind, body, event)
        if kind in ("command", "action"):
            ack()
        if caller is None:
            log.warning("%s: a request with no user, ignored", name)
            if kind == "view":
                ack()
            return
        available: dict[str, Any] = {
            "ctx": ctx,
            "caller": caller,
            "body": body,
            "command": command or {},
            "action": action or {},
            "view": view or {},
            "event": event or {},
        }
        with deferred_messages() as enqueued:
            reply = _run(fn, {k: available[k] for k in wanted}, name, caller)
        if kind == "view":
            reply = _ack_view(ack, reply, fields or {}, error_field)
        elif kind == "event" and ack.response is None:
            ack()
        unsent = _send_messages(ctx, enqueued, name)
        if unsent and isinstance(reply, Say):
            reply = Say(
                reply.text + "\n" + UNSENT.format(who=unsent),
                _with_note(reply.blocks, unsent),
                reply.replace_original,
            )
        _answer(kind, reply, body, respond, client, caller, name)

    listener.__name__ = name
    listener.__qualname__ = fn.__qualname__
    return listener


def _run(fn: Callable[..., T], kwargs: dict[str, Any], name: str, caller: Caller) -> T | DomainError:
    with committed_use_cases() as committed:
        try:
            return fn(**kwargs)
        except DomainError as error:
            log.info("%s refused for %s: %s", name, caller.user_id, error.message)
            return error
        except SlackApiError as error:
            code = error.response.get("error") or error.response.status_code
            log.warning("%s: Slack refused a call for %s: %s", name, caller.user_id, code)
            return DomainError(SAVED_THEN_FAILED if committed else SLACK_REFUSED.format(error=code))
        except Exception:  # noqa: BLE001 - the one place where anything unexpected becomes a plain answer
            if committed:  # the answer must stay true: what committed is saved
                log.exception(
                    "%s failed for %s after %s committed", name, caller.user_id, ", ".join(committed)
                )
                return DomainError(SAVED_THEN_FAILED)
            log.exception("%s failed for %s", name, caller.user_id)
            return DomainError(UNEXPECTED)


def _ack_view(
    ack: Ack, reply: Reply | DomainError, fields: dict[str, str], error_field: str | None
) -> Reply | DomainError:
    """Answer a modal submission on its own request: field errors, an updated modal, or close it."""
    if isinstance(reply, DomainError):
        field = (
            fields.get(reply.field or "", reply.field if reply.field in fields.values() else None)
            or error_field
        )
        if field:
            ack(response_action="errors", errors={field: _short(reply.message)})
            return Nothing()
        ack()
        return reply
    if isinstance(reply, FieldErrors):
        ack(response_action="errors", errors={k: _short(v) for k, v in reply.errors.items()})
        return Nothing()
    if isinstance(reply, UpdateModal):
        ack(response_action="update", view=fit_view(reply.view))
        return Nothing()
    if isinstance(reply, PushModal):
        ack(response_action="push", view=reply.view)
        return reply
    if isinstance(reply, CloseModals):
        ack(response_action="clear")
        return reply
    ack()
    return reply


def _send_messages(ctx: AppContext, keys: list[str], name: str) -> str:
    """Send what the use case enqueued; the mentions of those not reached yet ("" when all were)."""
    if not keys:
        return ""
    try:
        outcomes = send_enqueued(ctx, keys)
    except Exception:  # noqa: BLE001 - the records are saved; the outbox retries what is left
        log.exception("%s: sending %d message(s) failed; the outbox will retry", name, len(keys))
        return "everyone"
    missed = [o for o in outcomes if not o.sent and not o.duplicate]
    return ", ".join(dict.fromkeys(_who(o.key, ctx) for o in missed))


def _who(key: str, ctx: AppContext) -> str:
    recipient = outbox.recipient_of(ctx.db, key)
    return f"<@{recipient}>" if recipient and recipient.startswith(("U", "W")) else f"<#{recipient}>"


def _answer(
    kind: Kind,
    reply: Reply | DomainError,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    caller: Caller,
    name: str,
) -> None:
    if isinstance(reply, DomainError):
        reply = Say(reply.message)
    if isinstance(reply, Many):
        for part in reply.replies:
            _answer(kind, part, body, respond, client, caller, name)
        return
    if isinstance(reply, EditMessage):
        _edit(client, reply, name)
        return
    if isinstance(reply, PushModal):
        _replace_pushed(reply, client, caller, name)
        return
    try:
        if isinstance(reply, Say):
            if body.get("response_url"):
                respond(
                    text=fit_text(reply.text),
                    blocks=fit_blocks(reply.blocks),
                    response_type="ephemeral",
                    replace_original=reply.replace_original,
                )
            else:
                client.chat_postMessage(
                    channel=caller.user_id, text=fit_text(reply.text), blocks=fit_blocks(reply.blocks)
                )
        elif isinstance(reply, OpenModal):
            client.views_open(trigger_id=body.get("trigger_id", ""), view=fit_view(reply.view))
        elif isinstance(reply, PublishHome):
            client.views_publish(user_id=caller.user_id, view=fit_view(reply.view))
        elif isinstance(reply, (Nothing, FieldErrors, UpdateModal, CloseModals)):
            pass
    except SlackApiError as error:
        code = error.response.get("error") or error.response.status_code
        log.warning("%s: could not answer %s (%s): %s", name, caller.user_id, type(reply).__name__, code)
        if not isinstance(reply, Say):
            _tell(client, caller, SLACK_REFUSED.format(error=code), name)
    except Exception:  # noqa: BLE001 - a network failure answering must not reach Bolt's runner
        log.exception("%s: could not answer %s (%s)", name, caller.user_id, type(reply).__name__)


def _replace_pushed(reply: PushModal, client: WebClient, caller: Caller, name: str) -> None:
    """The slow part of a pushed view, after the ack: its result replaces the pushed view. A
    refusal or a failure is shown in the same place, so the person is never left waiting."""
    if reply.then is None:
        return
    external_id = str(reply.view.get("external_id") or "")
    # Outside the listener's deferred scope: a use case run here sends its own messages at once.
    outcome = _run(reply.then, {}, name, caller)
    view = _problem_view(outcome.message) if isinstance(outcome, DomainError) else outcome
    try:
        client.views_update(external_id=external_id, view=view)
    except SlackApiError as error:
        code = error.response.get("error") or error.response.status_code
        log.warning("%s: could not show the result to %s: %s", name, caller.user_id, code)
        _tell(client, caller, SLACK_REFUSED.format(error=code), name)
    except Exception:  # noqa: BLE001 - a network failure answering must not reach Bolt's runner
        log.exception("%s: could not show the result to %s", name, caller.user_id)


def _problem_view(message: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Not done"},
        "close": {"type": "plain_text", "text": "Back"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": message[:2900]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Nothing was saved."}]},
        ],
    }


def _edit(client: WebClient, reply: EditMessage, name: str) -> None:
    try:
        client.chat_update(
            channel=reply.channel, ts=reply.ts, text=fit_text(reply.text), blocks=fit_blocks(reply.blocks)
        )
    except Exception:  # noqa: BLE001 - cosmetic: the record is saved and the old button says so
        log.warning("%s: could not update message %s in %s", name, reply.ts, reply.channel, exc_info=True)


def _tell(client: WebClient, caller: Caller, text: str, name: str) -> None:
    try:
        client.chat_postMessage(channel=caller.user_id, text=text)
    except Exception:  # noqa: BLE001 - nothing more we can do; it is logged
        log.exception("%s: could not tell %s either", name, caller.user_id)


def _with_note(blocks: list[dict[str, Any]] | None, unsent: str) -> list[dict[str, Any]] | None:
    if blocks is None:
        return None
    return [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": UNSENT.format(who=unsent)}]}]


def _short(message: str) -> str:
    text = message.replace("*", "")
    return text if len(text) <= FIELD_ERROR_LIMIT else text[: FIELD_ERROR_LIMIT - 1] + "…"


def command(ctx: AppContext, fn: Callable[..., Reply]) -> Callable[..., Any]:
    return wrap(ctx, "command", fn)


def action(ctx: AppContext, fn: Callable[..., Reply]) -> Callable[..., Any]:
    return wrap(ctx, "action", fn)


def view(
    ctx: AppContext,
    fn: Callable[..., Reply],
    *,
    fields: dict[str, str] | None = None,
    error_field: str | None = None,
) -> Callable[..., Any]:
    return wrap(ctx, "view", fn, fields=fields, error_field=error_field)


def event(ctx: AppContext, fn: Callable[..., Reply]) -> Callable[..., Any]:
    return wrap(ctx, "event", fn)


class IgnoreMalformed(Middleware):
    """Global middleware: a signed payload that Slack would never send (no user, an empty `actions`
    list, a view with no state, a command or event we do not listen for) is answered 200 and goes
    no further.

    A class, not a function: Bolt builds every argument a function middleware could ask for
    (`action` is `body["actions"][0]`) before calling it, so an empty list raised IndexError ahead
    of any check, and again in the error handler, and Slack got a 500. A class's `process` gets
    the request as is. It runs after Bolt's signature check: a forged request still gets 401.
    Bodies Bolt could not parse or read never get this far (bot/slack/request_guard.py: 400)."""

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's keyword
    ) -> BoltResponse | None:
        problem = malformed(req.body)
        if problem:
            log.warning("ignored a malformed request: %s", problem)
            return BoltResponse(status=200, body="")
        return next()


def malformed(body: dict[str, Any]) -> str | None:
    """What is wrong with a request's payload for the listeners we have, or None."""
    if "command" in body:
        if body.get("command") not in ids.COMMANDS:
            return "an unknown command"
        return None if _slack_id(body.get("user_id")) else "a command with no user"
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or event.get("type") not in ids.EVENT_TYPES:
            return "an event we do not subscribe to"
        # Every event the manifest subscribes to names the person it is about (user_change carries
        # the whole user object, as caller_of reads it).
        user = event.get("user")
        user_id = user.get("id") if isinstance(user, dict) else user
        return None if _slack_id(user_id) else f"a {event['type']} event with no user"
    if kind not in ("block_actions", "view_submission"):
        return f"a payload of type {str(kind)[:40]!r}"
    if not _slack_id(_user_id(body)):
        return f"a {kind} payload with no user"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "a block_actions payload with no actions"
        if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
            return "a block_actions payload with an action that has no action_id"
        return None
    view = body.get("view")
    if not isinstance(view, dict) or not isinstance(view.get("callback_id"), str):
        return "a view_submission with no view"
    state = view.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("values"), dict):
        return "a view_submission with no state"
    if not isinstance(view.get("private_metadata", ""), str):
        return "a view_submission whose private_metadata is not text"
    return None


def _user_id(body: dict[str, Any]) -> Any:
    user = body.get("user")
    return user.get("id") if isinstance(user, dict) else None


def _slack_id(value: Any) -> TypeGuard[str]:
    # Slack's user ids are short upper-case alphanumerics (U…, W…); anything else is not one.
    return isinstance(value, str) and 0 < len(value) <= SLACK_ID_LIMIT and value.isalnum()


ignore_malformed = IgnoreMalformed()


def unhandled(error: Exception, body: dict[str, Any]) -> BoltResponse:
    """Bolt's error handler: only middleware and Bolt itself can raise here (every listener is
    wrapped above). Logged with the request's kind; Slack gets an empty 200 so it does not retry."""
    log.error(
        "unhandled error outside a listener (%s)", body.get("type") or body.get("command"), exc_info=error
    )
    return BoltResponse(status=200, body="")
