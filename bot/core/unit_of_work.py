"""The unit of work of one request or job, and the decorator that turns a service function into a
use case: what listeners and jobs call.

A use case is written as `def f(work: Work, ...) -> Result` and called as `f(ctx, caller, ...)`.
The decorator

- opens one transaction and resolves the caller to an active person (`work.actor`);
- lets the function ask the policy (`work.allow`) and enqueue messages (`work.notify`), which are
  written in the same transaction and sent only after it commits;
- lets it record what happened (`work.emit`): once the transaction has committed, the subscribers
  bot/hooks.py lists for those events run, outside it (bot/core/after_commit.py);
- makes a submission with an idempotency key (a modal's view id and its submitter) write once: a
  retried or double-clicked submission gets the first result back, and writes and sends nothing;
- answers a unique-key race (two replicas, two clicks at once) by running the function again in
  a fresh transaction, where it sees what the other one wrote and says it is already done.

Messages are sent after the commit; a message Slack refuses stays in the outbox and is retried,
so a failure after the commit never asks the person to try again (see `deferred_messages`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import typing
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.access import policy
from bot.access.policy import Action, Target
from bot.config.playbook import Playbook
from bot.core import budget, file_outbox, log_context, outbox, people
from bot.core.context import AppContext
from bot.core.errors import Conflict
from db.models import Person, RequestResult

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

RACE_RETRIES = 3


@dataclass(frozen=True)
class Caller:
    """Who asks, and the submission's idempotency key when it has one."""

    user_id: str
    request_key: str | None = None

    @classmethod
    def system(cls) -> Caller:
        """A scheduled job: no person, every action allowed (jobs only do what the plan says)."""
        return cls(user_id=SYSTEM)


SYSTEM = "system"


@dataclass
class Work:
    ctx: AppContext
    session: Session
    caller: Caller
    now: datetime
    enqueued: list[str] = field(default_factory=list)
    events: list[object] = field(default_factory=list)
    _actor: Person | None = None

    @property
    def playbook(self) -> Playbook:
        return self.ctx.playbook

    @property
    def actor(self) -> Person:
        """The caller as a known, active person; a polite refusal for anyone else."""
        if self._actor is None:
            self._actor = people.require_person(self.session, self.caller.user_id)
        return self._actor

    def allow(self, action: Action, target: Target = policy.NO_TARGET) -> Person:
        """The actor, if the policy lets them take `action` on `target`; NotAllowed otherwise."""
        if target.cohort is not None:
            # The class this request or job is about, on its log lines from here on.
            log_context.bind(cohort=target.cohort.id)
        actor = self.actor
        policy.require(actor, action, target, self.ctx.playbook.access.grants)
        return actor

    def allow_ever(self, action: Action) -> Person:
        """The actor, if their role may take `action` on something (before a form names the target)."""
        actor = self.actor
        policy.require_ever(actor, action, self.ctx.playbook.access.grants)
        return actor

    def notify(
        self,
        *,
        key: str,
        kind: str,
        recipient: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        expires_at: datetime | None = None,
    ) -> bool:
        """Send this message once per `key`, after the unit of work commits, the way the person's
        notification budget says (at once, as a line of their digest, or after their quiet hours:
        bot/core/budget.py); False when a message with this key was already written."""
        delivery = budget.enqueue(
            self.session,
            self.ctx.playbook,
            key=key,
            kind=kind,
            recipient=recipient,
            text=text,
            blocks=blocks,
            now=self.now,
            expires_at=expires_at,
        )
        if delivery is None:
            return False
        self.enqueued.append(delivery)
        return True

    def revise(self, *, key: str, text: str, blocks: list[dict[str, Any]] | None = None) -> bool:
        """Show the message sent under `key` (or its digest line) in its new state, in place, after
        the unit of work commits: a card that changes, not a new message. False when none was."""
        delivery = budget.revise(self.session, self.ctx.playbook, key, text, blocks, self.now)
        if delivery is None:
            return False
        self.enqueued.append(delivery)
        return True

    def send_file(
        self,
        *,
        key: str,
        kind: str,
        recipient: str,
        filename: str,
        title: str,
        content: bytes,
        comment: str | None = None,
    ) -> bool:
        """Share this file once per `key` (a person's DM or a channel), after the unit of work
        commits, like `notify`; False when a file with this key was already written."""
        if not file_outbox.enqueue(
            self.session,
            key=key,
            kind=kind,
            recipient=recipient,
            filename=filename,
            title=title,
            content=content,
            comment=comment,
            now=self.now,
        ):
            return False
        self.enqueued.append(FILE_KEY + key)
        return True

    def emit(self, event: object) -> None:
        """Record a domain event; its after-commit subscribers run once the unit of work commits
        (none when it rolls back)."""
        self.events.append(event)


# Listeners open this scope so the messages a use case enqueues are sent after the ack, and the
# listener can say which ones could not be sent yet.
_deferred: ContextVar[list[str] | None] = ContextVar("deferred_messages", default=None)


@contextlib.contextmanager
def deferred_messages() -> Iterator[list[str]]:
    keys: list[str] = []
    token = _deferred.set(keys)
    try:
        yield keys
    finally:
        _deferred.reset(token)


# How a file's key is told from a message's in the keys a unit of work enqueued.
FILE_KEY = "file>"

# The use cases that committed while a listener ran: a failure after one of them must not tell the
# person that nothing was saved.
_committed: ContextVar[list[str] | None] = ContextVar("committed_use_cases", default=None)


@contextlib.contextmanager
def committed_use_cases() -> Iterator[list[str]]:
    done: list[str] = []
    token = _committed.set(done)
    try:
        yield done
    finally:
        _committed.reset(token)


def send_enqueued(ctx: AppContext, keys: list[str]) -> list[outbox.Outcome]:
    """Send the messages, then upload the files; an upload Slack refuses is retried by the
    housekeeping job, so only the messages' outcomes are reported."""
    messages = [k for k in keys if not k.startswith(FILE_KEY)]
    uploads = [k[len(FILE_KEY) :] for k in keys if k.startswith(FILE_KEY)]
    outcomes = outbox.deliver(ctx.db, ctx.client, messages, ctx.clock.now()) if messages else []
    if uploads:
        file_outbox.deliver(ctx.db, ctx.client, uploads, ctx.clock.now())
    return outcomes


def _after_commit(ctx: AppContext, events: list[object]) -> None:
    """The events' subscribers. What they send goes out at once rather than after the listener's
    ack: the listener's "could not reach" note is about its own use case's messages only, and the
    hooks write to other people than the one the listener answers."""
    token = _deferred.set(None)
    try:
        ctx.hooks.run(ctx, events)
    finally:
        _deferred.reset(token)


def use_case(fn: Callable[Concatenate[Work, P], R]) -> Callable[Concatenate[AppContext, Caller, P], R]:
    operation = f"{fn.__module__}.{fn.__qualname__}"
    adapter: TypeAdapter[Any] | None = None

    def result_adapter() -> TypeAdapter[Any]:
        nonlocal adapter
        if adapter is None:
            adapter = TypeAdapter(typing.get_type_hints(fn)["return"])
        return adapter

    @functools.wraps(fn)
    def run(ctx: AppContext, caller: Caller, /, *args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, RACE_RETRIES + 1):
            try:
                with ctx.db.session() as session:
                    if caller.request_key:
                        stored = session.scalar(
                            select(RequestResult.result).where(RequestResult.key == caller.request_key)
                        )
                        if stored is not None:
                            log.info(
                                "repeated submission %s: answering with the first result", caller.request_key
                            )
                            return typing.cast(R, result_adapter().validate_python(stored))
                    work = Work(ctx=ctx, session=session, caller=caller, now=ctx.clock.now())
                    result = fn(work, *args, **kwargs)
                    if caller.request_key:
                        session.add(
                            RequestResult(
                                key=caller.request_key,
                                operation=operation,
                                result=result_adapter().dump_python(result, mode="json"),
                                created_at=work.now,
                            )
                        )
                        session.flush()
                    enqueued, events = work.enqueued, work.events
                break
            except IntegrityError:
                # Somebody else wrote the same unique row at the same moment; run again and see it.
                log.info("unique-key race in %s (attempt %d)", operation, attempt)
                if attempt == RACE_RETRIES:
                    raise Conflict(
                        "That was just done by someone else at the same moment; nothing more was saved."
                    ) from None
        committed = _committed.get()
        if committed is not None:
            committed.append(operation)
        deferred = _deferred.get()
        if deferred is not None:
            deferred.extend(enqueued)
        elif enqueued:
            send_enqueued(ctx, enqueued)
        if events:
            _after_commit(ctx, events)
        return result

    @functools.wraps(fn)
    def scoped(ctx: AppContext, caller: Caller, /, *args: P.args, **kwargs: P.kwargs) -> R:
        # In a request or a job, the class a use case names stays on the lines that follow (the
        # messages it could not send); anywhere else (the CLI, a test) it ends with the use case.
        if log_context.in_scope():
            return run(ctx, caller, *args, **kwargs)
        return contextvars.copy_context().run(run, ctx, caller, *args, **kwargs)

    return scoped
