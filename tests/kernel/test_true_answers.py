"""A listener's answer is true: when something fails after its use case committed, the person is
told it was saved (and to check before trying again), never that nothing was saved."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller, Work, use_case
from bot.slack import ids
from db.models import Notification
from handlers.listener import SAVED_THEN_FAILED, UNEXPECTED, command
from handlers.replies import Reply
from tests.helpers import TL, add_staff, replies


@use_case
def _save(work: Work, key: str) -> str:
    work.notify(key=key, kind="test", recipient=TL, text="Saved it")
    return key


def _saves_then_breaks(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    _save(ctx, caller, "probe:saved")
    raise RuntimeError("the reply could not be built")


def _breaks_first(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    raise RuntimeError("before anything was written")


def test_a_failure_after_the_commit_says_it_was_saved(world, monkeypatch):
    add_staff(world)
    monkeypatch.setattr(ids, "COMMANDS", (*ids.COMMANDS, "/probe-saved", "/probe-broken"))
    world.app.command("/probe-saved")(command(world.ctx, _saves_then_breaks))
    world.app.command("/probe-broken")(command(world.ctx, _breaks_first))

    [saved] = replies(world, world.driver.command("/probe-saved", "", user=TL, channel="C0CLASS01"))
    [broken] = replies(world, world.driver.command("/probe-broken", "", user=TL, channel="C0CLASS01"))

    assert saved == SAVED_THEN_FAILED and "nothing was saved" not in saved
    assert broken == UNEXPECTED
    with world.ctx.db.session() as session:
        assert session.scalar(select(Notification.status).where(Notification.key == "probe:saved")) == "sent"
