"""Attendance from the G2T: after the day, GoTo's attendee report (retried until it exists) gives
each agent's minutes, first join, last leave and gaps, and the codes are proposed from them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.calendar.dayplan import training_days
from bot.class_day import attendance
from bot.class_day.presence import presence, proposed_code
from bot.cohorts import service as cohorts
from bot.reports import tracker_export as tracker_sheet
from bot.slack import ids
from tests.g2t_steps import EMAILS, connect, g2t, import_linkless
from tests.helpers import ANA, BEN, CHLOE, CLASS, TL, reached, replies, text_of

CH = ZoneInfo("America/Chicago")


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CH)


def _hold_day_1(world) -> None:
    standin = g2t(world)
    standin.hold_session(
        standin.only_training().key,
        at(7, 55),
        at(17, 2),
        {
            EMAILS[ANA]: [(at(7, 55), at(12, 0)), (at(12, 28), at(17, 2))],
            EMAILS[BEN]: [(at(8, 40), at(17, 0))],
            # Chloe drops out 11:00-11:25 (not a break) and leaves at 15:30.
            EMAILS[CHLOE]: [(at(8, 0), at(11, 0)), (at(11, 25), at(15, 30))],
        },
    )


def _g2t_dms(world) -> list[str]:
    return [text_of(m) for m in reached(world, TL) if "really in the GoTo Training session" in text_of(m)]


def test_the_days_codes_come_from_real_presence_once_goto_publishes_the_report(g2t_world):
    connect(g2t_world)
    cid = import_linkless(g2t_world)
    g2t_world.advance_to(at(8, 0))
    _hold_day_1(g2t_world)
    g2t_world.advance_to(at(17, 20))  # end of day; the first try (17:15) finds no report yet
    eod = next(text_of(m) for m in reached(g2t_world, TL) if "Attendance –" in text_of(m))
    assert "Attendance – AHIP/Aetna class - Dec 1, day 1" in eod and "as soon as it is there" in eod
    assert _g2t_dms(g2t_world) == []
    g2t_world.clock.set(at(17, 40))  # the report is out 30 minutes after the 17:02 end
    g2t_world.run_job("bot.g2t.jobs:sync")
    [report] = _g2t_dms(g2t_world)
    assert "*Ana Ruiz*: Full Day" in report and "G2T: 8 h 32 min (7:55 AM–5:02 PM)" in report
    assert "*Ben Okafor*: Tardy < 1 hour" in report and "G2T: 8 h 20 min (8:40 AM–5:00 PM)" in report
    assert "*Chloe Martin*: Left Early > 1 hour" in report and "away 11:00 AM–11:25 AM" in report
    # Again: nothing more.
    g2t_world.clock.advance(timedelta(hours=1))
    g2t_world.run_job("bot.g2t.jobs:sync")
    g2t_world.run_job("bot.g2t.jobs:attendance_report", cid, 1)
    assert len(_g2t_dms(g2t_world)) == 1
    # /attendance shows the same; the TL's own code still wins.
    reply = g2t_world.driver.command(ids.ATTENDANCE, "", user=TL, channel=CLASS)
    shown = "\n".join(replies(g2t_world, reply))
    assert "Tardy < 1 hour" in shown and "G2T: 8 h 20 min" in shown
    g2t_world.driver.command(
        ids.ATTENDANCE, f"set <@{BEN}|ben> 1 full_day train was late, approved", user=TL, channel=CLASS
    )
    with g2t_world.ctx.db.session() as session:
        cohort = cohorts.by_id(session, cid)
        rows = {r.name: r for r in attendance.day_table(session, g2t_world.ctx.playbook, cohort, 1)}
        table = tracker_sheet.rows(session, cid, g2t_world.ctx.playbook, g2t_world.clock.now())
    assert rows["Ben Okafor"].code_label == "Full Day" and rows["Ben Okafor"].chosen
    sheet = {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert sheet["Chloe Martin"]["G2T minutes"] == "Day 1: 425"
    assert "Left Early > 1 hour" in sheet["Chloe Martin"]["Attendance"]


def test_a_report_that_never_comes_is_retried_then_the_tl_is_told_once(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    import_linkless(g2t_world)
    g2t_world.advance_to(at(17, 20))
    standin.down()
    for minutes in range(30, 7 * 60, 15):
        g2t_world.clock.set(at(17) + timedelta(minutes=minutes))
        g2t_world.run_job("bot.g2t.jobs:sync")
    tries = len(standin.calls("sessions"))
    assert 5 <= tries <= 12  # backoff: 15, 30, 60 min, then hourly; not every 15 minutes
    told = [text_of(m) for m in reached(g2t_world, TL) if "no attendee report" in text_of(m)]
    assert len(told) == 1 and "proposed from Slack check-ins" in told[0]


def test_presence_rules():
    day = training_days(datetime(2026, 12, 1).date(), 1, "America/Chicago", _schedule())[0]
    from bot.class_day.playbook import AttendancePolicy
    from bot.g2t.playbook import G2TPolicy

    policy, g2t_policy = AttendancePolicy(), G2TPolicy()

    def code(*parts: tuple[datetime, datetime]) -> str | None:
        return proposed_code(day, presence(day, parts, 10), policy, g2t_policy)

    assert code((at(8, 3), at(17))) is None  # inside the grace
    assert code((at(9, 30), at(17))) == "tardy_over_1h"
    assert code((at(8), at(16, 30))) == "left_early_under_1h"
    assert code((at(8), at(10)), (at(15), at(17))) is None  # 4 h away, breaks not counted: not more
    assert code((at(8), at(10)), (at(15, 30), at(17))) == "absent_unapproved"  # more than 4 h missed
    assert code() == "absent_unapproved"
    away = presence(day, [(at(8), at(10, 5)), (at(10, 20), at(17))], 10)
    assert away.gaps == []  # 10:05-10:20 is the morning break (10:00-10:15) plus 5 minutes
    assert away.missed_minutes == 5


def _schedule():
    from bot.calendar.playbook import DaySchedule

    return DaySchedule()


def test_an_mia_is_confirmed_or_questioned_by_the_g2t_gap_around_that_break(g2t_world):
    connect(g2t_world)
    import_linkless(g2t_world)
    g2t_world.advance_to(at(8, 0))
    morning = g2t_world.slack.messages(channel=CLASS)[-1]
    for agent in (ANA, BEN, CHLOE):
        g2t_world.driver.reaction(agent, "white_check_mark", CLASS, morning["ts"])
    g2t_world.advance_to(at(9, 55))
    raise_post = g2t_world.slack.messages(channel=CLASS)[-1]
    for agent in (BEN, CHLOE):  # Ana forgets to raise her hand
        g2t_world.driver.reaction(agent, "raised_hand", CLASS, raise_post["ts"])
    g2t_world.advance_to(at(10, 15))
    back = g2t_world.slack.messages(channel=CLASS)[-1]
    for agent in (ANA, CHLOE):  # Ben does not come back on time
        g2t_world.driver.reaction(agent, "white_check_mark", CLASS, back["ts"])
    standin = g2t(g2t_world)
    standin.hold_session(
        standin.only_training().key,
        at(8, 0),
        at(17, 0),
        {
            EMAILS[ANA]: [(at(8, 0), at(17, 0))],
            EMAILS[BEN]: [(at(8, 0), at(10, 0)), (at(10, 50), at(17, 0))],
            EMAILS[CHLOE]: [(at(8, 0), at(17, 0))],
        },
    )
    g2t_world.advance_to(at(17, 20))
    g2t_world.clock.set(at(17, 40))
    g2t_world.run_job("bot.g2t.jobs:sync")
    [report] = _g2t_dms(g2t_world)
    lines = {line.split("*")[1]: line for line in report.split("\n") if line.startswith("*")}
    assert "away at break 1: MIA confirmed" in lines["Ben Okafor"]
    assert "away 10:15 AM–10:50 AM" in lines["Ben Okafor"]
    assert "in the session at break 1: MIA questioned" in lines["Ana Ruiz"]
