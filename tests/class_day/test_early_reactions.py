"""Two replicas behind one database: Slack delivers each reaction to a prompt to the replica that
did not post it, within milliseconds of the post, before the poster has recorded the prompt's ts.
Every answer still counts, as of the moment it arrived, and nobody is marked MIA for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.core import job_context
from bot.standin.harness import World
from db.models import AttendanceCheck, AttendanceFlag, PendingReaction, Person
from db.models.attendance_check import CHECKIN, LOWERED, RAISED
from tests.helpers import ANA, BEN, CHLOE, CLASS, TL, import_cohort, text_of

CH = ZoneInfo("America/Chicago")
DAY1 = (2026, 12, 1)
AGENTS = [ANA, BEN, CHLOE]
# What each prompt is answered with (the raise prompt by a hand, the others by a check).
ANSWER = {"Good morning": "white_check_mark", "raise": "raised_hand", "back": "white_check_mark"}


def ch(hh: int, mm: int = 0) -> datetime:
    return datetime(*DAY1, hh, mm, tzinfo=CH)


@pytest.fixture
def replica_b(world: World) -> Iterator[World]:
    """A second replica: its own app and clock over the same database and the same Slack."""
    other = World(world.database_url, start=world.clock.now(), standin=world.slack, migrate=False)
    job_context.install(world.ctx)  # the scheduler runs on the first one
    try:
        yield other
    finally:
        other.close()
        job_context.install(world.ctx)


def _emoji_for(text: str) -> str | None:
    lowered = text.lower()
    if "good morning" in lowered:
        return ANSWER["Good morning"]
    if "raise" in lowered and "hand" in lowered:
        return ANSWER["raise"]
    if "back" in lowered:
        return ANSWER["back"]
    return None


def _answer_on_b_before_a_records(
    world: World, replica_b: World, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Every class-channel prompt is answered by every agent on replica B while Slack is still
    handing replica A the post's ts: A has not written it, so B cannot know the message yet."""
    answered: list[str] = []
    original = world.slack.handle_api

    def post_then_react(method: str, args: dict[str, Any]) -> Any:
        status, body, headers = original(method, args)
        if method == "chat.postMessage" and args.get("channel") == CLASS and body.get("ok"):
            emoji = _emoji_for(str(args.get("text") or ""))
            if emoji:
                replica_b.clock.set(world.clock.now() + timedelta(milliseconds=5))
                for agent in AGENTS:
                    replica_b.driver.reaction(agent, emoji, CLASS, body["ts"])
                answered.append(emoji)
        return status, body, headers

    monkeypatch.setattr(world.slack, "handle_api", post_then_react)
    return answered


def test_answers_that_beat_the_prompts_ts_to_the_other_replica_still_count(world, replica_b, monkeypatch):
    world.clock.set(ch(7, 0))
    import_cohort(world)
    answered = _answer_on_b_before_a_records(world, replica_b, monkeypatch)

    world.advance_to(ch(10, 30))  # the morning post, break 1's raise and back prompts, its check

    assert answered == ["white_check_mark", "raised_hand", "white_check_mark"]
    with world.ctx.db.session() as session:
        flags = session.scalars(select(AttendanceFlag)).all()
        assert [(f.person.name, f.kind) for f in flags] == []  # nobody tardy, nobody MIA
        checks = session.execute(
            select(Person.slack_user_id, AttendanceCheck.kind, AttendanceCheck.late).join(
                Person, AttendanceCheck.person_id == Person.id
            )
        ).all()
        assert sorted(checks) == sorted(
            (agent, kind, False) for agent in AGENTS for kind in (CHECKIN, RAISED, LOWERED)
        )
        assert session.scalar(select(func.count(PendingReaction.id))) == 0
    assert not [m for m in world.slack.dms_to(TL) if "MIA" in text_of(m) or "not checked in" in text_of(m)]


def test_a_reaction_kept_for_a_prompt_counts_at_the_check_even_if_the_post_missed_it(world, replica_b):
    """The poster applied what was kept before B's row committed: the break's check applies it."""
    world.clock.set(ch(7, 0))
    import_cohort(world)
    world.advance_to(ch(8, 0))
    morning = world.slack.messages(channel=CLASS)[-1]["ts"]
    for agent in AGENTS:
        world.driver.reaction(agent, "white_check_mark", CLASS, morning)
    world.advance_to(ch(9, 55))
    raise_ts = world.slack.messages(channel=CLASS)[-1]["ts"]
    # Ben's hand reached B so early that B kept it, and A's apply right after the post ran first.
    with world.ctx.db.session() as session:
        session.add(
            PendingReaction(
                channel_id=CLASS,
                ts=raise_ts,
                user_id=BEN,
                reaction="raised_hand",
                added=True,
                received_at=ch(9, 55) + timedelta(milliseconds=3),
            )
        )
    for agent in (ANA, CHLOE):
        world.driver.reaction(agent, "raised_hand", CLASS, raise_ts)
    world.advance_to(ch(10, 15))
    back = world.slack.messages(channel=CLASS)[-1]["ts"]
    for agent in AGENTS:
        world.driver.reaction(agent, "white_check_mark", CLASS, back)
    world.advance_to(ch(10, 30))

    with world.ctx.db.session() as session:
        assert session.scalars(select(AttendanceFlag)).all() == []
        assert session.scalar(select(func.count(PendingReaction.id))) == 0


def test_reactions_that_can_answer_no_prompt_are_not_kept(world):
    world.clock.set(ch(8, 30))
    import_cohort(world)
    world.driver.reaction(ANA, "raised_hand", "C0OTHER01", "1790000999.000100")  # not a class channel
    world.driver.reaction(ANA, "tada", CLASS, "1790000999.000100")  # not an answer
    world.driver.reaction(TL, "raised_hand", CLASS, "1790000999.000100")  # not an agent of the class
    world.driver.reaction(ANA, "raised_hand", CLASS, "9" * 40)  # no ts Slack makes
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count(PendingReaction.id))) == 0
    world.driver.reaction(ANA, "raised_hand", CLASS, "1790000999.000100")
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count(PendingReaction.id))) == 1
    world.advance_to(ch(10, 30) + timedelta(days=1))  # a check a day later drops it
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count(PendingReaction.id))) == 0
