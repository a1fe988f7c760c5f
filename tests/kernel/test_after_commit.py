"""After-commit hooks: a use case's events reach their subscribers once it commits, in order,
outside its transaction; a rollback reaches none, and a failing subscriber stops nothing."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.cohorts.types import AgentEnrolled, AgentTransferred, CohortCreated
from bot.core.after_commit import Hooks
from bot.core.context import AppContext
from bot.core.errors import Conflict
from bot.core.unit_of_work import Caller, Work, deferred_messages, use_case
from db.models import Notification

TL = "U0TL0001"


@dataclass(frozen=True)
class Happened:
    key: str


@use_case
def _tell(work: Work, key: str) -> None:
    work.notify(key=key, kind="test", recipient=TL, text=f"message {key}")


@use_case
def _write(work: Work, key: str, fail: bool = False) -> str:
    work.notify(key=key, kind="test", recipient=TL, text=f"message {key}")
    work.emit(Happened(key))
    if fail:
        raise Conflict("rolled back")
    return key


def _context(world) -> AppContext:
    return dataclasses.replace(world.ctx, hooks=Hooks())


def _written(ctx: AppContext, key: str) -> bool:
    with ctx.db.session() as session:
        return session.scalar(select(Notification.id).where(Notification.key == key)) is not None


def test_subscribers_run_after_the_commit_in_order_and_see_what_it_wrote(world):
    ctx = _context(world)
    seen: list[tuple[str, str, bool]] = []
    ctx.hooks.subscribe(Happened, lambda c, e: seen.append(("first", e.key, _written(c, e.key))))
    ctx.hooks.subscribe(Happened, lambda c, e: seen.append(("second", e.key, _written(c, e.key))))
    assert _write(ctx, Caller.system(), "a") == "a"
    assert seen == [("first", "a", True), ("second", "a", True)]


def test_a_rolled_back_use_case_reaches_no_subscriber(world):
    ctx = _context(world)
    seen: list[object] = []
    ctx.hooks.subscribe(Happened, lambda c, e: seen.append(e))
    with pytest.raises(Conflict):
        _write(ctx, Caller.system(), "b", fail=True)
    assert seen == [] and not _written(ctx, "b")


def test_a_failing_subscriber_is_logged_and_the_next_still_runs(world, caplog):
    ctx = _context(world)
    seen: list[str] = []

    def broken(c: AppContext, e: Happened) -> None:
        raise RuntimeError("down")

    ctx.hooks.subscribe(Happened, broken)
    ctx.hooks.subscribe(Happened, lambda c, e: seen.append(e.key))
    with caplog.at_level(logging.ERROR, logger="bot.core.after_commit"):
        assert _write(ctx, Caller.system(), "c") == "c"
    assert seen == ["c"]
    assert "broken" in caplog.text


def test_a_subscribers_messages_go_at_once_inside_a_listeners_scope(world):
    """The listener sends its own use case's messages after the ack; a subscriber's are not held."""
    ctx = _context(world)
    ctx.hooks.subscribe(Happened, lambda c, e: _tell(c, Caller.system(), e.key + ":then"))
    with deferred_messages() as held:
        _write(ctx, Caller.system(), "d")
    assert held == ["d"]
    assert [m["text"] for m in world.slack.dms_to(TL)] == ["message d:then"]


def test_the_composition_root_lists_the_class_hooks(world):
    hooks = world.ctx.hooks
    assert [f.__name__ for f in hooks.subscribers(CohortCreated)] == [
        "learn_timezones",
        "tell_team_lead_the_calendar",
        "send_g2t_links",
    ]
    # The agent's zone is asked first: the link DM that follows reads it.
    for joined in (AgentEnrolled, AgentTransferred):
        assert [f.__name__ for f in hooks.subscribers(joined)] == ["learn_agent_timezone", "send_g2t_link"]
