"""Messages that must go once: once across repeats and races, retried after 429, never dropped."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.core import outbox
from db.models import Notification

TL = "U0TL0001"


def _send(world, key="alert:1", text="Ben is MIA"):
    return outbox.send_once(
        world.ctx.db, world.ctx.client, key=key, kind="test", recipient=TL, text=text, now=world.clock.now()
    )


def test_same_key_goes_once(world):
    assert _send(world).sent
    second = _send(world)
    assert not second.sent and second.duplicate
    assert [m["text"] for m in world.slack.dms_to(TL)] == ["Ben is MIA"]


def test_racing_senders_post_once(world):
    results = []
    threads = [threading.Thread(target=lambda: results.append(_send(world))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 1
    assert len(world.slack.dms_to(TL)) == 1


def test_rate_limit_is_retried_after_retry_after(world):
    world.slack.fail("chat.postMessage", status=429, retry_after=1)
    outcome = _send(world)
    assert outcome.sent
    attempts = world.slack.calls("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]


def test_a_failed_send_is_recorded_and_retried_not_dropped(world):
    world.slack.fail("chat.postMessage", error="channel_not_found")
    outcome = _send(world)
    assert not outcome.sent and outcome.error == "channel_not_found"
    with world.ctx.db.session() as s:
        row = s.scalar(select(Notification))
        assert (row.status, row.attempts, row.last_error) == ("failed", 1, "channel_not_found")
    assert world.slack.dms_to(TL) == []

    [retried] = outbox.retry_failed(world.ctx.db, world.ctx.client, world.clock.now())
    assert retried.sent
    assert outbox.retry_failed(world.ctx.db, world.ctx.client, world.clock.now()) == []
    assert len(world.slack.dms_to(TL)) == 1
    assert _send(world).duplicate


def test_a_failed_prompt_is_not_retried_after_it_expired(world):
    from datetime import timedelta

    world.slack.fail("chat.postMessage", error="channel_not_found")
    outcome = outbox.send_once(
        world.ctx.db,
        world.ctx.client,
        key="prompt:raise",
        kind="prompt.raise",
        recipient="C0CLASS01",
        text="Raise your hand",
        now=world.clock.now(),
        expires_at=world.clock.now() + timedelta(minutes=5),
    )
    assert not outcome.sent
    world.clock.advance(timedelta(minutes=6))
    assert outbox.retry_failed(world.ctx.db, world.ctx.client, world.clock.now()) == []
    assert world.slack.messages(channel="C0CLASS01") == []
    with world.ctx.db.session() as s:
        assert s.scalar(select(Notification.status)) == "expired"
