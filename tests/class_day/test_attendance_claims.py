"""Agents hear about themselves: marked tardy or MIA, an agent is told once, kindly, with an
"I was there" button; their claim reaches their TL, who accepts it (the mark is excused, audited)
or keeps the mark, and the agent hears which. Double clicks write once; only that agent claims,
only their class's TL decides."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.slack import ids
from db.models import AttendanceFlag, AuditEntry
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, reached, replies, text_of

CH = ZoneInfo("America/Chicago")


def _buttons(message: dict) -> list[dict]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def _told(world, user: str) -> list[dict]:
    return [m for m in world.slack.dms_to(user) if "I was there" in text_of(m)]


def _cards(world) -> list[dict]:
    """The TL's claim cards: lines of their digest by default (the notification budget)."""
    return [m for m in reached(world, TL) if "says they were there" in text_of(m)]


def _flag(world, flag_id: int) -> AttendanceFlag:
    with world.ctx.db.session() as session:
        flag = session.get(AttendanceFlag, flag_id)
        assert flag is not None
        session.expunge(flag)
        return flag


def _audits(world, action: str) -> int:
    with world.ctx.db.session() as session:
        return len(session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


def _tardy_morning(world) -> int:
    world.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CH))
    cohort_id = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    [morning] = [m for m in world.slack.messages(channel=CLASS) if "Good morning" in text_of(m)]
    world.driver.reaction(BEN, "white_check_mark", CLASS, morning["ts"])
    world.driver.reaction("U0AG0003", "white_check_mark", CLASS, morning["ts"])
    world.advance_to(datetime(2026, 12, 1, 8, 6, tzinfo=CH))
    return cohort_id


def test_a_tardy_agent_is_told_once_and_the_tl_accepts_their_claim(world):
    cohort_id = _tardy_morning(world)
    [told] = _told(world, ANA)
    body = text_of(told)
    assert "Hi Ana" in body and "marked *tardy on day 1*" in body and "8:05 AM CST" in body
    assert _told(world, BEN) == []
    [there] = _buttons(told)
    assert there["text"]["text"] == "I was there" and "tardy on day 1" in there["accessibility_label"]
    world.run_job("bot.class_day.jobs:mark_tardy", cohort_id, 1)  # a rerun tells nobody twice
    assert len(_told(world, ANA)) == 1

    first = world.driver.action(there["action_id"], there["value"], user=ANA, settle=False)
    second = world.driver.action(there["action_id"], there["value"], user=ANA, settle=False)
    world.settle()
    answers = replies(world, first) + replies(world, second)
    assert any("I told @" in a or "I told <@U0TL0001>" in a for a in answers)
    assert any("already told your team lead" in a for a in answers)
    assert _audits(world, "attendance.claim") == 1
    [card] = _cards(world)
    assert "*Ana Ruiz* says they were there: marked *tardy on day 1*" in text_of(card)
    accept, keep = _buttons(card)
    assert (accept["text"]["text"], keep["text"]["text"]) == ("Accept", "Keep")
    assert accept["accessibility_label"] == "Accept Ana Ruiz's claim and excuse the mark"
    assert keep["accessibility_label"] == "Keep the mark for Ana Ruiz"

    # A classmate cannot claim it, and the PM cannot decide it.
    [refused] = replies(world, world.driver.action(there["action_id"], there["value"], user=BEN))
    assert refused.startswith("Sorry")
    [refused] = replies(world, world.driver.action(accept["action_id"], accept["value"], user=PM))
    assert refused.startswith("Sorry") and _flag(world, int(accept["value"])).status == "open"

    before = len(world.slack.dms_to(ANA))
    [accepted] = replies(world, world.driver.action(accept["action_id"], accept["value"], user=TL))
    assert "Accepted: Ana Ruiz's mark (tardy on day 1) is excused" in accepted
    flag = _flag(world, int(accept["value"]))
    assert (flag.status, flag.claim_outcome) == ("excused", "accepted")
    assert _audits(world, "attendance.claim.accepted") == 1
    assert _audits(world, "attendance.flag.excused") == 1
    [heard] = world.slack.dms_to(ANA)[before:]
    assert "Your team lead accepted: your mark (tardy on day 1) is excused." in text_of(heard)

    # Accept again, or Keep after it: nothing more is written or sent.
    [again] = replies(world, world.driver.action(keep["action_id"], keep["value"], user=TL))
    assert "already decided" in again
    assert len(world.slack.dms_to(ANA)) == before + 1
    assert _flag(world, int(accept["value"])).claim_outcome == "accepted"


def _mia_at_break_one(world) -> None:
    _tardy_morning(world)
    [morning] = [m for m in world.slack.messages(channel=CLASS) if "Good morning" in text_of(m)]
    world.driver.reaction(ANA, "white_check_mark", CLASS, morning["ts"])
    world.advance_to(datetime(2026, 12, 1, 9, 56, tzinfo=CH))
    [prompt] = [m for m in world.slack.messages(channel=CLASS) if "Break at 10:00 AM" in text_of(m)]
    world.driver.reaction("U0AG0003", "raised_hand", CLASS, prompt["ts"])
    world.advance_to(datetime(2026, 12, 1, 10, 21, tzinfo=CH))


def test_an_mia_agent_is_told_and_a_kept_mark_stays(world):
    world.slack.add_user(BEN, "Ben Okafor", tz="America/Los_Angeles")
    _mia_at_break_one(world)
    [told] = _told(world, BEN)
    body = text_of(told)
    assert "marked *MIA at break 1 on day 1*" in body
    assert "8:00 AM PST (10:00 AM CST)" in body  # in his own zone
    [there] = _buttons(told)
    world.driver.action(there["action_id"], there["value"], user=BEN)
    [card] = _cards(world)
    _, keep = _buttons(card)
    before = len(world.slack.dms_to(BEN))
    [kept] = replies(world, world.driver.action(keep["action_id"], keep["value"], user=TL))
    assert "Kept: Ben Okafor's mark (MIA at break 1 on day 1) stays" in kept
    flag = _flag(world, int(keep["value"]))
    assert (flag.status, flag.claim_outcome) == ("open", "kept")
    [heard] = world.slack.dms_to(BEN)[before:]
    assert "Your team lead kept your mark (MIA at break 1 on day 1)" in text_of(heard)
    # Pressing "I was there" again after the decision changes nothing.
    [again] = replies(world, world.driver.action(there["action_id"], there["value"], user=BEN))
    assert "already decided" in again and len(_cards(world)) == 1


def test_a_mark_the_tl_cleared_first_needs_no_claim(world):
    _mia_at_break_one(world)
    [told] = _told(world, BEN)
    [there] = _buttons(told)
    world.driver.action(ids.ACTION_MIA_PRESENT, there["value"], user=TL)
    import json

    world.driver.submit_view(
        ids.VIEW_MIA_REASON,
        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": "Saw him on camera"}}},
        user=TL,
        private_metadata=json.dumps({"flag_id": int(there["value"]), "decision": "present"}),
    )
    [answer] = replies(world, world.driver.action(there["action_id"], there["value"], user=BEN))
    assert "Nothing to do" in answer and "already cleared" in answer
    assert _cards(world) == []
