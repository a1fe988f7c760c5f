"""The Messages tab, answered: a DM to the bot from an agent in an active class joins the help
queue (their TL gets the card with its Claim button); anyone else is told where to go. Each message
once, whatever Slack retries; bots, edits and channel messages are not read."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.models import HelpRequest
from tests.helpers import ANA, BEN, TL, import_cohort, text_of

CH = ZoneInfo("America/Chicago")
DM = "D0ANA0001"


def _dm(world, user: str, text: str, *, event_id: str | None = None, retry_num: int | None = None, **extra):
    event = {
        "type": "message",
        "channel": DM,
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": "1700000000.000100",
        "event_ts": "1700000000.000100",
    } | extra
    reply = world.driver.event(event, event_id=event_id, retry_num=retry_num)
    assert reply.status == 200
    return reply


def _requests(world) -> list[HelpRequest]:
    with world.ctx.db.session() as session:
        rows = list(session.scalars(select(HelpRequest)))
        session.expunge_all()
        return rows


def test_an_agents_dm_joins_the_help_queue_once(world):
    world.clock.set(datetime(2026, 12, 1, 10, 30, tzinfo=CH))
    import_cohort(world)
    tl_before = len(world.slack.dms_to(TL))
    _dm(world, ANA, "My audio keeps cutting out", event_id="EvDm1")
    _dm(world, ANA, "My audio keeps cutting out", event_id="EvDm1", retry_num=1)  # Slack's retry
    [row] = _requests(world)
    assert (row.source, row.text, row.status) == ("dm", "My audio keeps cutting out", "waiting")
    [answer] = world.slack.dms_to(ANA)[-1:]
    assert "You're in the help queue (#1 of 1 waiting)" in text_of(answer)
    assert len([m for m in world.slack.dms_to(ANA) if "help queue" in text_of(m)]) == 1
    [card] = world.slack.dms_to(TL)[tl_before:]
    assert "*Ana Ruiz*" in text_of(card) and "in a message to me" in text_of(card)
    assert "[Claim]" in text_of(card)

    _dm(world, ANA, "Still nothing", event_id="EvDm2")
    assert len(_requests(world)) == 1
    assert "already in the help queue since 10:30 AM" in text_of(world.slack.dms_to(ANA)[-1])


def test_bots_edits_and_channel_messages_are_not_read(world):
    import_cohort(world)
    before = len(world.slack.calls("chat.postMessage"))
    _dm(world, ANA, "from a bot", bot_id="B0BOT001")
    _dm(world, ANA, "edited", subtype="message_changed")
    _dm(world, ANA, "in a channel", channel_type="channel")
    world.driver.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": DM,
            "channel_type": "im",
            "message": {"user": ANA, "text": "edited"},
            "event_ts": "1.0",
        }
    )
    world.settle()
    assert _requests(world) == []
    assert len(world.slack.calls("chat.postMessage")) == before


def test_anyone_else_is_told_where_to_go(world):
    import_cohort(world)
    _dm(world, TL, "hello?")
    assert "I don't take requests by message" in text_of(world.slack.dms_to(TL)[-1])
    _dm(world, "U0STRANGE1", "hi")
    assert "I don't know you yet" in text_of(world.slack.dms_to("U0STRANGE1")[-1])
    with world.ctx.db.session() as session:
        from bot.cohorts import service as cohorts
        from bot.core import people

        ben = people.by_slack_id(session, BEN)
        assert ben is not None
        enrollment = cohorts.enrollment_of(session, ben.id)
        assert enrollment is not None
        enrollment.status = "removed"
    _dm(world, BEN, "help")
    assert "You are not in a class right now" in text_of(world.slack.dms_to(BEN)[-1])
    assert _requests(world) == []
