"""After-commit hooks: what a use case's commit sets off in other features.

A use case records what happened as a domain event (`work.emit(CohortCreated(cohort_id=...))`);
once its unit of work has committed, the kernel hands each event to the subscribers of its type,
in the order they subscribed, outside any transaction. The composition root lists the
subscriptions in one place (bot/hooks.py), so a feature never imports the later features that its
events concern.

The request they follow has already succeeded: a subscriber that fails is logged and the next one
still runs, and nothing is raised into the request. What a subscriber must not lose goes through
the outbox, which retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

Ctx = TypeVar("Ctx")
E = TypeVar("E")


class Hooks(Generic[Ctx]):
    """Event type -> the subscribers called with (context, event) after a commit."""

    def __init__(self) -> None:
        self._subscribers: dict[type, list[Callable[[Ctx, Any], object]]] = {}

    def subscribe(self, event: type[E], subscriber: Callable[[Ctx, E], object]) -> None:
        self._subscribers.setdefault(event, []).append(subscriber)

    def subscribers(self, event: type) -> list[Callable[[Ctx, Any], object]]:
        return list(self._subscribers.get(event, ()))

    def run(self, ctx: Ctx, events: Iterable[object]) -> None:
        for event in events:
            for subscriber in self._subscribers.get(type(event), ()):
                try:
                    subscriber(ctx, event)
                except Exception:  # noqa: BLE001 - the commit stands; one hook's trouble stops no other
                    log.exception("after-commit hook %s failed for %r", _name(subscriber), event)


def _name(subscriber: Callable[..., object]) -> str:
    return f"{getattr(subscriber, '__module__', '?')}.{getattr(subscriber, '__qualname__', subscriber)}"
