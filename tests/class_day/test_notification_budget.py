"""The notification budget over one class day of 50 agents (the scenario of bench/class_day_50.py):
the TL gets at most 6 DMs besides one per help request and red flag, the PM at most 2 besides red
flags and ESP-complete; every MIA, failed exam and red flag still reaches them, with its buttons;
digests are updated in place, and a job run again adds nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from bench.class_day_50 import NEVER, PM, TL, play_day, set_up
from bot.core.budget import DIGEST_TITLE
from bot.slack import ids
from bot.standin.server import dm_channel_for
from db.models import AttendanceFlag, CertAttempt, Cohort, DigestLine, Notification, Person, RedFlag
from tests.helpers import notices_to, text_of

URGENT_FOR_TL = {"help.request", "redflag.raised"}
URGENT_FOR_PM = {"redflag.raised", "esp_complete"}


@pytest.fixture
def day(world):
    set_up(world)
    play_day(world)
    return world


def _kinds_of_posts(world, user: str) -> Counter[str]:
    """What each DM the person received was, by the outbox row Slack's ts belongs to."""
    with world.ctx.db.session() as session:
        by_ts = {ts: kind for ts, kind in session.execute(select(Notification.ts, Notification.kind))}
    return Counter(by_ts.get(m["ts"], "reply") for m in world.slack.dms_to(user))


def _buttons(notice: dict) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e.get("value", ""))
        for b in notice.get("blocks") or []
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


def test_the_team_lead_and_the_pm_stay_within_the_budget(day):
    world = day
    tl = _kinds_of_posts(world, TL)
    pm = _kinds_of_posts(world, PM)
    assert tl["help.request"] == 3
    assert sum(n for kind, n in tl.items() if kind not in URGENT_FOR_TL) <= 6, tl
    assert pm["redflag.raised"] == 2
    assert sum(n for kind, n in pm.items() if kind not in URGENT_FOR_PM) <= 2, pm
    # The digests were shown again as lines arrived, rather than posted again.
    tl_digests = [m for m in world.slack.dms_to(TL) if text_of(m).startswith(DIGEST_TITLE.strip(":* "))]
    assert tl["digest"] >= 3
    assert world.slack.updates(channel=dm_channel_for(TL)), "lines added in place"
    assert len(tl_digests) <= tl["digest"]
    assert world.slack.rejected() == []


def test_every_mia_failed_exam_and_red_flag_reaches_them_with_its_buttons(day):
    world = day
    with world.ctx.db.session() as session:
        mias = [
            (f.id, f.person.name, f.status)
            for f in session.scalars(select(AttendanceFlag).where(AttendanceFlag.kind == "mia"))
        ]
        failed = [session.get(Person, a.person_id).name for a in session.scalars(select(CertAttempt))]
        flags = [(f.id, f.person.name) for f in session.scalars(select(RedFlag))]
    tl, pm = notices_to(world, TL), notices_to(world, PM)
    assert len(mias) >= 5 and len(failed) == 5 and len(flags) == 2
    never = {f"Agent {int(u[4:])}" for u in NEVER}
    for flag_id, name, status in mias:
        [line] = [n for n in tl if "marked *MIA*" in text_of(n) and f"*{name}*" in text_of(n)]
        if status == "open":
            assert (ids.ACTION_MIA_EXCUSE, str(flag_id)) in _buttons(line), name
            assert (ids.ACTION_MIA_PRESENT, str(flag_id)) in _buttons(line), name
        else:  # excused from the card: the card changed, no new DM
            assert f"*{name}*: Excused by <@{TL}>" in text_of(line)
            assert (ids.ACTION_MIA_EXCUSE, str(flag_id)) not in _buttons(line)
        assert name not in never  # absent all day: on the table, not called MIA at every break
    for name in failed:
        assert any(name in text_of(n) and "failed" in text_of(n) for n in pm), name
    for flag_id, name in flags:
        [card] = [n for n in pm if name in text_of(n) and "red flag" in text_of(n).lower()]
        assert not card.get("digest")
        assert (ids.ACTION_REDFLAG_RESOLVE, str(flag_id)) in _buttons(card)


def test_the_day_end_digest_is_one_message_with_the_summary_and_the_checklist(day):
    world = day
    [summary] = [n for n in notices_to(world, TL) if "Attendance –" in text_of(n)]
    assert summary.get("digest")
    [checklist] = [n for n in notices_to(world, TL) if "checklist" in text_of(n).lower() and n.get("digest")]
    assert checklist["ts"] == summary["ts"]


def test_a_check_run_again_adds_no_line_and_no_message(day):
    world = day
    posts, updates = len(world.slack.calls("chat.postMessage")), len(world.slack.updates())
    with world.ctx.db.session() as session:
        lines = len(list(session.scalars(select(DigestLine))))
    with world.ctx.db.session() as session:
        cohort_id = session.scalar(select(Cohort.id))
    world.run_job("bot.class_day.jobs:check_break", cohort_id, 1, 1)
    world.run_job("bot.class_day.jobs:mark_tardy", cohort_id, 1)
    assert (len(world.slack.calls("chat.postMessage")), len(world.slack.updates())) == (posts, updates)
    with world.ctx.db.session() as session:
        assert len(list(session.scalars(select(DigestLine)))) == lines
