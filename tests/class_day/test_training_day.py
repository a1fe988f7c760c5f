"""The training day runs itself: a three-day cohort walked through the stand-in with the same
plan and job functions the scheduler uses (world.advance_to), across a daylight-saving change."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.class_day import attendance
from bot.slack import ids
from db.models import AttendanceCheck, AttendanceFlag, AuditEntry, Notification, Person
from tests.helpers import ANA, BEN, CHLOE, CLASS, TL, import_cohort, notices_to, replies, text_of

LA = ZoneInfo("America/Los_Angeles")
CH = ZoneInfo("America/Chicago")
DST_DAYS = [(2026, 10, 30), (2026, 11, 2), (2026, 11, 3)]  # Fri, (weekend, clocks fall back Nov 1), Mon, Tue


def la(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LA)


def import_la_cohort(world) -> int:
    world.clock.set(la(2026, 10, 26, 9))  # the Monday before
    return import_cohort(
        world, name="LA class - Oct 30", timezone="America/Los_Angeles", start_date="2026-10-30"
    )


def note(world, key: str) -> Notification | None:
    with world.ctx.db.session() as session:
        return session.scalar(select(Notification).where(Notification.key == key))


def prompt_ts(world, cohort_id: int, day: int, kind: str, break_no: int = 0) -> str:
    row = note(world, attendance.prompt_key(cohort_id, day, kind, break_no))
    assert row is not None and row.ts, f"no {kind} prompt for day {day} break {break_no}"
    return row.ts


def react(world, user: str, name: str, ts: str, **kw) -> None:
    world.driver.reaction(user, name, CLASS, ts, **kw)


def flags(world, kind: str) -> list[tuple[str, int, int]]:
    with world.ctx.db.session() as session:
        rows = session.scalars(select(AttendanceFlag).where(AttendanceFlag.kind == kind))
        return sorted((r.person.name, r.day, r.break_no) for r in rows)


def play_break(
    world,
    cid: int,
    day: tuple[int, int, int],
    number: int,
    start: tuple[int, int],
    minutes: int,
    raise_: list[str],
    lower: list[str],
) -> None:
    y, m, d = day
    begins = la(y, m, d, *start)
    world.advance_to(begins - timedelta(minutes=5))
    ts = prompt_ts(world, cid, DST_DAYS.index(day) + 1, "raise", number)
    for agent in raise_:
        react(world, agent, "raised_hand", ts)
    ends = begins + timedelta(minutes=minutes)
    world.advance_to(ends)
    back = prompt_ts(world, cid, DST_DAYS.index(day) + 1, "lower", number)
    for i, agent in enumerate(lower):
        if i % 2:  # half of them remove the hand instead of ticking the back-from-break post
            react(world, agent, "raised_hand", ts, added=False)
        else:
            react(world, agent, "white_check_mark", back)
    world.advance_to(ends + timedelta(minutes=6))


def test_a_three_day_cohort_across_a_daylight_saving_change_runs_itself(world):
    cid = import_la_cohort(world)
    everyone = [ANA, BEN, CHLOE]

    # G2T link: 24 hours before day 1 starts (Thu Oct 29, 8:00 PDT), once per agent.
    world.advance_to(la(2026, 10, 29, 7, 59))
    assert world.slack.dms_to(ANA) == []
    world.advance_to(la(2026, 10, 29, 8, 0))
    for agent in everyone:
        [link] = world.slack.dms_to(agent)
        assert "https://example.gotowebinar.com/join/123456789" in text_of(link)
        assert "8:00 AM – 5:00 PM PDT" in text_of(link)
    assert notices_to(world, TL) == []  # on time: no late notice

    # Day 1: Ana and Ben check in; Chloe at 8:20 (tardy). Ben forgets to lower his hand at break 1.
    day1 = DST_DAYS[0]
    world.advance_to(la(*day1, 8))
    morning = world.slack.messages(channel=CLASS)[-1]
    body = text_of(morning)
    for expected in (
        "Day 1 of 3",
        "10:00 AM – 10:15 AM",
        "Lunch: 12:00 PM – 12:30 PM",
        "PDT",
        "muted",
        "Hand-raise rule",
        "N-Number",
        "never your NPN",
        "13 green checkmarks",
        "Tech Issues",
    ):
        assert expected in body, expected
    assert [c.args["timestamp"] for c in world.slack.calls("pins.add")] == [morning["ts"]]
    # The same check-in delivered three times (Slack retries) counts once.
    react(world, ANA, "white_check_mark", morning["ts"], event_id="EvAna1")
    react(world, ANA, "white_check_mark", morning["ts"], event_id="EvAna1", retry_num=1)
    react(world, ANA, "white_check_mark", morning["ts"], event_id="EvAna1", retry_num=2)
    # Ben's first delivery was lost; the retry is the only copy and counts.
    react(world, BEN, "white_check_mark", morning["ts"], event_id="EvBen1", retry_num=1)
    world.advance_to(la(*day1, 8, 6))
    assert notices_to(world, TL) == []  # the tardy list waits for the TL's digest after the break
    world.advance_to(la(*day1, 8, 20))
    react(world, CHLOE, "white_check_mark", morning["ts"])
    play_break(world, cid, day1, 1, (10, 0), 15, raise_=everyone, lower=[ANA, CHLOE])
    [tardy_dm] = [m for m in notices_to(world, TL) if "marked tardy" in text_of(m)]
    assert "Chloe Martin" in text_of(tardy_dm) and "Ana Ruiz" not in text_of(tardy_dm)
    assert len(world.slack.dms_to(TL)) == 1  # one digest, the MIA list added in place
    [mia_dm] = [m for m in notices_to(world, TL) if "MIA" in text_of(m)]
    assert "Ben Okafor" in text_of(mia_dm) and "Ana Ruiz" not in text_of(mia_dm)
    assert "[Excuse] [Mark present]" in text_of(mia_dm)
    play_break(world, cid, day1, 2, (12, 0), 30, raise_=everyone, lower=everyone)
    play_break(world, cid, day1, 3, (14, 30), 15, raise_=everyone, lower=everyone)
    world.advance_to(la(*day1, 17))
    eod = notices_to(world, TL)[-1]
    assert "Attendance – LA class - Oct 30, day 1" in text_of(eod)
    assert "*Ana Ruiz*: Full Day" in text_of(eod)
    assert "*Ben Okafor*: Unresponsive or Missing During Class (MIA)" in text_of(eod)
    assert "*Chloe Martin*: Tardy < 1 hour" in text_of(eod)
    with world.ctx.db.session() as session:
        checkins = session.scalars(select(AttendanceCheck).where(AttendanceCheck.kind == "checkin"))
        assert sorted((c.person_id, c.late) for c in checkins) == sorted(
            (session.scalar(select(Person.id).where(Person.slack_user_id == uid)), late)
            for uid, late in ((ANA, False), (BEN, False), (CHLOE, True))
        )

    # Day 2 (Mon, after the change to PST): the morning post is at 8:00 local = 16:00 UTC, not 15:00.
    day2 = DST_DAYS[1]
    world.advance_to(la(*day2, 8))
    assert note(world, attendance.prompt_key(cid, 2, "morning")).sent_at.hour == 16
    assert note(world, attendance.prompt_key(cid, 1, "morning")).sent_at.hour == 15
    ts2 = prompt_ts(world, cid, 2, "morning")
    for agent in everyone:
        react(world, agent, "white_check_mark", ts2)
    world.advance_to(la(*day2, 9, 55))
    raise_ts = prompt_ts(world, cid, 2, "raise", 1)
    for agent in everyone:
        react(world, agent, "raised_hand", raise_ts)
    posts_before = len(world.slack.messages(channel=CLASS))

    # The bot restarts mid-break; on start it re-runs what is due within its grace: nothing repeats.
    world.advance_to(la(*day2, 10, 3))
    world.restart()
    world.catch_up()
    assert len(world.slack.messages(channel=CLASS)) == posts_before
    # Chloe forgets both raise and lower at lunch.
    world.advance_to(la(*day2, 10, 15))
    back = prompt_ts(world, cid, 2, "lower", 1)
    for agent in everyone:
        react(world, agent, "white_check_mark", back)
    play_break(world, cid, day2, 2, (12, 0), 30, raise_=[ANA, BEN], lower=[ANA, BEN])
    play_break(world, cid, day2, 3, (14, 30), 15, raise_=everyone, lower=everyone)
    world.advance_to(la(*day2, 17))

    # Day 3: Ben never checks in: tardy, then absent at the first break.
    day3 = DST_DAYS[2]
    world.advance_to(la(*day3, 8))
    ts3 = prompt_ts(world, cid, 3, "morning")
    for agent in (ANA, CHLOE):
        react(world, agent, "white_check_mark", ts3)
    for number, start, minutes in ((1, (10, 0), 15), (2, (12, 0), 30), (3, (14, 30), 15)):
        play_break(world, cid, day3, number, start, minutes, raise_=[ANA, CHLOE], lower=[ANA, CHLOE])
    world.advance_to(la(*day3, 17, 30))

    # Every prompt went out once, at its minute in Los Angeles time.
    posted = world.slack.messages(channel=CLASS)
    assert len(posted) == 3 * (1 + 3 + 3)
    with world.ctx.db.session() as session:
        prompts = list(session.scalars(select(Notification).where(Notification.kind.like("prompt.%"))))
    assert Counter(n.status for n in prompts) == {"sent": 21}
    local_minutes = sorted({n.sent_at.astimezone(LA).strftime("%H:%M") for n in prompts})
    assert local_minutes == ["08:00", "09:55", "10:15", "11:55", "12:30", "14:25", "14:45"]
    assert flags(world, "tardy") == [("Ben Okafor", 3, 0), ("Chloe Martin", 1, 0)]
    assert flags(world, "absent") == [("Ben Okafor", 3, 0)]
    assert flags(world, "mia") == [("Ben Okafor", 1, 1), ("Chloe Martin", 2, 2)]
    # One line per alert, one end-of-day summary per day (in the TL's day-end digest), one link per agent.
    keys = [n.key for n in _all_notes(world)]
    assert len(keys) == len(set(keys))
    summaries = [m for m in notices_to(world, TL) if "Attendance –" in text_of(m)]
    assert len(summaries) == 3
    assert sum(k.startswith("g2t:") for k in keys) == 3
    with world.ctx.db.session() as session:
        ben = session.scalar(select(Person).where(Person.slack_user_id == BEN))
        assert attendance.mia_count(session, ben.id) == 1
        assert attendance.day_codes(session, ben.id, world.ctx.playbook) == [
            (1, "Unresponsive or Missing During Class (MIA)"),
            (2, "Full Day"),
            (3, "Absent – Unapproved"),
        ]


def _all_notes(world) -> list[Notification]:
    with world.ctx.db.session() as session:
        return list(session.scalars(select(Notification)))


def test_a_cohort_created_late_gets_the_link_at_once_and_the_tl_is_told(world):
    # The world clock is Fri Nov 27 09:00 Chicago; a class starting Mon Nov 30 8:00 is 71 h away:
    # in time. One starting today+1 at 8:00 is not.
    world.clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=CH))
    cid = import_cohort(world)  # starts Tue Dec 1 08:00: 20 hours away
    for agent in (ANA, BEN, CHLOE):
        assert len(world.slack.dms_to(agent)) == 1
    [late] = notices_to(world, TL)
    assert "went out late" in text_of(late) and "Ana Ruiz, Ben Okafor, Chloe Martin" in text_of(late)
    # Planning again (the g2t job, a re-import) sends nothing more.
    world.run_job("bot.g2t.jobs:send_g2t_links", cid)
    import_cohort(world)
    assert len(world.slack.dms_to(ANA)) == 1 and len(notices_to(world, TL)) == 1
    # An agent added late gets it at once; the TL hears about that one.
    world.driver.command("/cohort", "add <@U0AG0004|dev> N4567890 45678901", user=TL, channel=CLASS)
    assert len(world.slack.dms_to("U0AG0004")) == 1
    assert "Dev Patel" in text_of(notices_to(world, TL)[-1])


def test_a_prompt_past_its_grace_is_skipped_not_posted_late(world, caplog):
    cid = import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 8, 6, tzinfo=CH))  # morning post was due 8:00, grace 5 min
    world.run_job("bot.class_day.jobs:morning_post", cid, 1)
    assert world.slack.messages(channel=CLASS) == []
    assert any("skipped prompt:" in r.getMessage() for r in caplog.records)
    # Within the grace it goes, once.
    world.clock.set(datetime(2026, 12, 1, 9, 58, tzinfo=CH))
    world.run_job("bot.class_day.jobs:raise_prompt", cid, 1, 1)
    world.run_job("bot.class_day.jobs:raise_prompt", cid, 1, 1)
    assert len(world.slack.messages(channel=CLASS)) == 1


def test_reactions_that_are_not_check_ins_change_nothing(world):
    cid = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    ts = prompt_ts(world, cid, 1, "morning")
    react(world, "U0STRANGER", "white_check_mark", ts)  # not in the cohort
    react(world, ANA, "white_check_mark", "1790009999.000100")  # not a prompt
    react(world, ANA, "tada", ts)  # another emoji
    world.driver.reaction(ANA, "white_check_mark", "C0OTHER01", ts)  # another channel
    with world.ctx.db.session() as session:
        assert list(session.scalars(select(AttendanceCheck))) == []
    world.clock.set(datetime(2026, 12, 1, 18, 0, tzinfo=CH))  # after the day ended
    react(world, ANA, "white_check_mark", ts)
    with world.ctx.db.session() as session:
        assert list(session.scalars(select(AttendanceCheck))) == []


def test_the_tl_excuses_an_mia_with_a_reason_and_it_is_audited(world):
    cid = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    ts = prompt_ts(world, cid, 1, "morning")
    for agent in (ANA, BEN, CHLOE):
        react(world, agent, "white_check_mark", ts)
    world.advance_to(datetime(2026, 12, 1, 9, 55, tzinfo=CH))
    raise_ts = prompt_ts(world, cid, 1, "raise", 1)
    for agent in (ANA, CHLOE):
        react(world, agent, "raised_hand", raise_ts)
    world.advance_to(datetime(2026, 12, 1, 10, 16, tzinfo=CH))
    for agent in (ANA, CHLOE):
        react(world, agent, "raised_hand", raise_ts, added=False)
    world.advance_to(datetime(2026, 12, 1, 10, 21, tzinfo=CH))
    [alert] = [m for m in notices_to(world, TL) if "MIA" in text_of(m)]
    [button] = [
        e
        for b in alert["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_MIA_EXCUSE
    ]
    # An agent cannot press it.
    world.driver.action(ids.ACTION_MIA_EXCUSE, button["value"], user=ANA, channel="DTL")
    assert world.slack.calls("views.open") == []
    world.driver.action(ids.ACTION_MIA_EXCUSE, button["value"], user=TL, channel="DTL")
    [opened] = world.slack.calls("views.open")
    meta = opened.args["view"]["private_metadata"]
    reply = world.driver.submit_view(
        ids.VIEW_MIA_REASON,
        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": ""}}},
        user=TL,
        private_metadata=meta,
    )
    assert reply.json()["response_action"] == "errors"
    world.driver.submit_view(
        ids.VIEW_MIA_REASON,
        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": "Doorbell; told me in chat"}}},
        user=TL,
        private_metadata=meta,
    )
    # No new DM: the MIA line itself now says who excused Ben and when, without its buttons.
    dms_before = len(world.slack.dms_to(TL))
    [card] = [m for m in notices_to(world, TL) if "MIA" in text_of(m)]
    assert f"Ben Okafor*: Excused by <@{TL}> at 10:21 AM" in text_of(card)
    assert "[Excuse]" not in text_of(card) and "[Mark present]" not in text_of(card)
    assert len(world.slack.dms_to(TL)) == dms_before
    with world.ctx.db.session() as session:
        [flag] = session.scalars(select(AttendanceFlag).where(AttendanceFlag.kind == "mia"))
        assert (flag.status, flag.reason) == ("excused", "Doorbell; told me in chat")
        assert attendance.mia_count(session, flag.person_id) == 0
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.flag.excused"))
        assert entry.actor == TL


def test_attendance_command_shows_today_an_agent_and_lets_the_tl_change_a_code(world):
    cid = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    ts = prompt_ts(world, cid, 1, "morning")
    react(world, ANA, "white_check_mark", ts)
    world.advance_to(datetime(2026, 12, 1, 9, 30, tzinfo=CH))
    react(world, BEN, "white_check_mark", ts)  # 90 minutes late
    table = replies(world, world.driver.command("/attendance", "", user=TL, channel=CLASS))[0]
    assert "Ana Ruiz*: Full Day" in table
    assert "Ben Okafor*: Tardy > 1 hour" in table and "(late)" in table
    assert "Chloe Martin*: Absent – Unapproved" in table
    reply = world.driver.command(
        "/attendance", f"set <@{CHLOE}|chloe> 1 absent_hr_approved HR approved leave", user=TL, channel=CLASS
    )
    assert "Absent – HR Approved" in replies(world, reply)[0]
    record = replies(world, world.driver.command("/attendance", f"<@{CHLOE}|chloe>", user=TL, channel=CLASS))[
        0
    ]
    assert "Day 1: Absent – HR Approved _(set by TL)_" in record
    # An agent reads only their own days (reading follows the same rules as writing).
    own = replies(world, world.driver.command("/attendance", "", user=ANA, channel=CLASS))[0]
    assert "Attendance – Ana Ruiz" in own and "Day 1: Full Day" in own and "Ben" not in own
    refused = replies(world, world.driver.command("/attendance", f"<@{BEN}|ben>", user=ANA, channel=CLASS))[0]
    assert refused.startswith("Sorry")
    bad = replies(
        world, world.driver.command("/attendance", f"set <@{BEN}|ben> 1 late", user=TL, channel=CLASS)
    )[0]
    assert "not an attendance code" in bad


def test_the_two_in_a_row_mia_rule_marks_only_consecutive_misses(world):
    policy = world.ctx.playbook.attendance.model_copy(update={"mia_rule": "two_in_a_row"})
    world.ctx.playbook = world.ctx.playbook.model_copy(update={"attendance": policy})
    cid = import_cohort(world)
    day = (2026, 12, 1)

    def ch(hh: int, mm: int = 0) -> datetime:
        return datetime(*day, hh, mm, tzinfo=CH)

    world.advance_to(ch(8))
    morning = world.slack.messages(channel=CLASS)[-1]["ts"]
    for agent in (ANA, BEN, CHLOE):
        react(world, agent, "white_check_mark", morning)

    def a_break(number: int, start: datetime, minutes: int, raised: list[str], lowered: list[str]) -> None:
        world.advance_to(start - timedelta(minutes=5))
        ts = prompt_ts(world, cid, 1, "raise", number)
        for agent in raised:
            react(world, agent, "raised_hand", ts)
        world.advance_to(start + timedelta(minutes=minutes))
        back = prompt_ts(world, cid, 1, "lower", number)
        for agent in lowered:
            react(world, agent, "white_check_mark", back)
        world.advance_to(start + timedelta(minutes=minutes + 6))

    # Break 1: Ana misses only the lower (one miss), Ben misses both (two in a row).
    a_break(1, ch(10), 15, raised=[ANA, CHLOE], lowered=[CHLOE])
    # Lunch: Ana misses the raise (her second miss in a row), Chloe misses only the lower.
    a_break(2, ch(12), 30, raised=[BEN, CHLOE], lowered=[ANA, BEN])
    assert flags(world, "mia") == [("Ana Ruiz", 1, 2), ("Ben Okafor", 1, 1)]


def test_a_class_channel_the_bot_cannot_post_in_is_reported_to_the_tl_once(world):
    import_cohort(world)
    # The morning post and the first raise-hand prompt both fail: one DM to the TL, not two.
    world.slack.fail("chat.postMessage", error="not_in_channel", times=2, channel=CLASS)
    world.advance_to(datetime(2026, 12, 1, 9, 55, tzinfo=CH))
    problems = [m for m in notices_to(world, TL) if "could not post the class prompts" in text_of(m)]
    assert len(problems) == 1
    assert "/invite @Training Day" in text_of(problems[0])
