"""What each log line is about: the listener and the person of the request it serves, the class
once a use case names it, the scheduled job it runs in.

Context variables, so concurrent requests and jobs never mix: Bolt middleware sets the request's
(bot/slack/log_middleware.py), the listener pool copies them into the thread that runs the
listener (bot/slack/executor.py), the policy check binds the class (`Work.allow`) and the
scheduler's pool binds the job (scheduler/runner.py). `ContextFilter` stamps them on each record
when it is made, in the thread that made it."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from contextvars import ContextVar, Token

FIELDS = ("listener", "handler", "user", "cohort", "job")
_VARS: dict[str, ContextVar[str | None]] = {name: ContextVar(f"log_{name}", default=None) for name in FIELDS}
# Set while a request or a job runs: its fields last until it ends.
_SCOPED: ContextVar[bool] = ContextVar("log_scoped", default=False)
_COHORT_JOB = re.compile(r"^cohort:(\d+):")


def bind(**values: object) -> list[Token[str | None]]:
    """Set these fields for the rest of the current context (a None value is left as it is)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a log field: {', '.join(sorted(unknown))}")
    return [_VARS[name].set(str(value)) for name, value in values.items() if value is not None]


def reset(tokens: list[Token[str | None]]) -> None:
    for token in reversed(tokens):
        token.var.reset(token)


@contextlib.contextmanager
def bound(**values: object) -> Iterator[None]:
    tokens = bind(**values)
    try:
        yield
    finally:
        reset(tokens)


def begin(**values: object) -> None:
    """A new request in this thread: these fields, and none left over from the one before."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a log field: {', '.join(sorted(unknown))}")
    for name, var in _VARS.items():
        value = values.get(name)
        var.set(None if value is None else str(value))
    _SCOPED.set(True)


def in_scope() -> bool:
    """Whether a request or a job owns this context."""
    return _SCOPED.get()


def current() -> dict[str, str]:
    return {name: value for name, var in _VARS.items() if (value := var.get()) is not None}


def bind_job(job_id: str) -> list[Token[str | None]]:
    """A scheduled job, and its class when its id names one (`cohort:12:day:1:...`)."""
    match = _COHORT_JOB.match(job_id)
    _SCOPED.set(True)
    return bind(job=job_id, cohort=match.group(1) if match else None)


class ContextFilter(logging.Filter):
    """Copies the fields onto the record (`record.log_context`), for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "log_context"):
            record.log_context = current()
        return True
