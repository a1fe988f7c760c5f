"""Slack's rate limits at scale: a DM is one call, every method waits out 429 Retry-After, and a
burst past Slack's tiers reaches everyone exactly once (the stand-in enforcing them)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from bot.core import outbox
from bot.standin.server import dm_channel_for
from db.models import Notification

TL = "U0TL0001"


def _dm(world, user: str, key: str | None = None):  # type: ignore[no-untyped-def]
    return outbox.send_once(
        world.ctx.db,
        world.ctx.client,
        key=key or f"burst:{user}",
        kind="test",
        recipient=user,
        text=f"Your link, {user}",
        now=world.clock.now(),
    )


def test_a_dm_is_one_call_posted_to_the_user_id(world):
    before = len(world.slack.calls())
    assert _dm(world, TL).sent
    [call] = world.slack.calls()[before:]
    assert call.method == "chat.postMessage" and call.args["channel"] == TL
    assert [m["text"] for m in world.slack.dms_to(TL)] == [f"Your link, {TL}"]


def test_any_method_past_its_tier_waits_out_retry_after_and_goes_through(world):
    world.slack.enforce_rate_limits(scale=60)  # pins.add is Tier 2: 20 a minute, here 20 a second
    for n in range(21):
        world.ctx.client.pins_add(channel="C0CLASS01", timestamp=f"1790000000.{n:06d}")
    statuses = [c.status for c in world.slack.calls("pins.add")]
    assert statuses.count(200) == 21 and statuses.count(429) >= 1


def test_two_posts_to_one_channel_in_a_second_are_spaced_by_retry_after(world):
    world.slack.enforce_rate_limits()
    world.ctx.client.chat_postMessage(channel="C0CLASS01", text="one")
    world.ctx.client.chat_postMessage(channel="C0CLASS01", text="two")
    assert [c.status for c in world.slack.calls("chat.postMessage")] == [200, 429, 200]
    assert [m["text"] for m in world.slack.messages(channel="C0CLASS01")] == ["one", "two"]


def test_a_message_still_rate_limited_after_the_waits_is_retried_later_not_given_up(world):
    world.slack.fail("chat.postMessage", status=429, retry_after=0, times=6)
    outcome = _dm(world, TL)
    assert not outcome.sent and outcome.error == "ratelimited"
    with world.ctx.db.session() as session:
        row = session.scalar(select(Notification))
        assert (row.status, row.attempts) == ("failed", 0)
    [retried] = outbox.retry_failed(world.ctx.db, world.ctx.client, world.clock.now())
    assert retried.sent and len(world.slack.dms_to(TL)) == 1


def test_a_burst_of_dms_under_slacks_tiers_reaches_everyone_exactly_once(world):
    world.slack.enforce_rate_limits()
    users = [f"U0BURST{n:03d}" for n in range(200)]
    with ThreadPoolExecutor(4) as pool:  # the scheduler's four job threads
        outcomes = list(pool.map(lambda u: _dm(world, u), users))
        outcomes += list(pool.map(lambda u: _dm(world, u), users))  # a job run twice repeats nothing
    assert sum(o.sent for o in outcomes) == len(users)
    for user in users:
        assert len(world.slack.dms_to(user)) == 1, user
    assert world.slack.calls("conversations.open") == []
    assert {c.args["channel"] for c in world.slack.calls("chat.postMessage")} == set(users)
    assert dm_channel_for(users[0]) in {m["channel"] for m in world.slack.messages()}
