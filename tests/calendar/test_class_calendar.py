"""The class calendar: holidays, company closed dates and a cohort's skip dates are skipped like
weekends by everything that counts training days; the TL is told; a day already held stays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.calendar import class_days
from bot.calendar.class_calendar import ClassCalendar
from bot.calendar.dayplan import business_days
from bot.calendar.playbook import CalendarPolicy
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.forms import evening_check
from bot.progress import service as progress
from db.models import AttendanceFlag, DayPrompt, DigestLine, Notification
from tests.helpers import TL, import_cohort, text_of

CH = ZoneInfo("America/Chicago")
THANKSGIVING = date(2026, 11, 26)


def ch(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CH)


def _local_day(moment: datetime) -> date:
    return moment.astimezone(CH).date()


def test_business_days_skip_holidays_and_keep_days_held():
    us = ClassCalendar(country="US")
    assert business_days(date(2026, 11, 25), 3, us) == [
        date(2026, 11, 25),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]
    closed = ClassCalendar(country="US", closed={date(2026, 11, 27): "Company closed"})
    assert business_days(date(2026, 11, 25), 3, closed)[-1] == date(2026, 12, 1)
    # Day 2 was held on Friday before Friday became a closed date: it stays; day 3 follows.
    assert business_days(
        date(2026, 11, 25), 3, closed, held={1: date(2026, 11, 25), 2: date(2026, 11, 27)}
    ) == [
        date(2026, 11, 25),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]
    # A start on a holiday moves to the next open day.
    assert business_days(THANKSGIVING, 1, us) == [date(2026, 11, 27)]


def test_the_playbook_names_a_holiday_calendar_and_refuses_an_unknown_one():
    assert CalendarPolicy().country == "US"
    with pytest.raises(ValueError, match="no calendar for country"):
        CalendarPolicy(country="XX")
    with pytest.raises(ValueError, match="no subdivision"):
        CalendarPolicy(country="US", subdivision="ZZ")
    policy = CalendarPolicy.model_validate({"closed": ["2026-12-24", {"date": "2026-12-31", "name": "NYE"}]})
    assert [(c.date, c.name) for c in policy.closed] == [
        (date(2026, 12, 24), "Closed"),
        (date(2026, 12, 31), "NYE"),
    ]


def test_a_class_spanning_thanksgiving_skips_it_end_to_end(world):
    world.clock.set(ch(2026, 11, 23, 9))
    cid = import_cohort(world, name="Late November class", start_date="2026-11-25")

    told = [text_of(m) for m in world.slack.dms_to(TL) if "Thanksgiving" in text_of(m)]
    assert len(told) == 1
    assert "Thu Nov 26, 2026 (Thanksgiving Day)" in told[0]
    assert "last day is *Mon Nov 30, 2026*" in told[0]

    ran = world.advance_to(ch(2026, 11, 30, 18))
    assert ran, "the plan ran"
    with world.ctx.db.session() as session:
        mornings = session.scalars(
            select(DayPrompt)
            .where(DayPrompt.cohort_id == cid, DayPrompt.kind == "morning")
            .order_by(DayPrompt.day)
        ).all()
        assert [(p.day, _local_day(p.posted_at)) for p in mornings] == [
            (1, date(2026, 11, 25)),
            (2, date(2026, 11, 27)),
            (3, date(2026, 11, 30)),
        ]
        prompts_on_thanksgiving = [
            p for p in session.scalars(select(DayPrompt)) if _local_day(p.posted_at) == THANKSGIVING
        ]
        assert prompts_on_thanksgiving == []
        sent_on_thanksgiving = [
            n.key for n in session.scalars(select(Notification)) if _local_day(n.created_at) == THANKSGIVING
        ]
        assert sent_on_thanksgiving == []
        flags = session.scalars(select(AttendanceFlag).where(AttendanceFlag.cohort_id == cid)).all()
        assert flags, "agents who never checked in are marked on the real days"
        assert {_local_day(f.flagged_at) for f in flags} <= {
            date(2026, 11, 25),
            date(2026, 11, 27),
            date(2026, 11, 30),
        }

        cohort = cohorts.by_id(session, cid)
        playbook = world.ctx.playbook
        assert progress.training_dates(cohort, playbook) == [
            date(2026, 11, 25),
            date(2026, 11, 27),
            date(2026, 11, 30),
        ]
        start, _ = evening_check.day_window(cohort, playbook, 2)
        assert start.date() == date(2026, 11, 27)
    # The end-of-day reports went out for the three real days only.
    eod = [k for k in _keys(world) if k.startswith(f"eod:{cid}:day:")]
    assert sorted(eod) == [f"eod:{cid}:day:1:tl", f"eod:{cid}:day:2:tl", f"eod:{cid}:day:3:tl"]


def test_a_cohort_skip_date_and_a_closed_date_added_later_move_only_future_days(world, tmp_path):
    world.clock.set(ch(2026, 11, 27, 9))
    cid = import_cohort(world, skip_dates=[{"date": "2026-12-02", "name": "Site move"}])
    with world.ctx.db.session() as session:
        cohort = cohorts.by_id(session, cid)
        assert class_days.dates_of(cohort, world.ctx.playbook) == [
            date(2026, 12, 1),
            date(2026, 12, 3),
            date(2026, 12, 4),
        ]
    assert any("Wed Dec 2, 2026 (Site move)" in text_of(m) for m in world.slack.dms_to(TL))

    world.advance_to(ch(2026, 12, 1, 18))  # day 1 held on Tue Dec 1
    # The company then closes on Dec 1 (after the fact) and on Dec 3.
    raw = world.ctx.playbook.model_dump(mode="json")
    raw["calendar"]["closed"] = ["2026-12-01", {"date": "2026-12-03", "name": "Company closed"}]
    playbook = Playbook.model_validate(raw)
    with world.ctx.db.session() as session:
        cohort = cohorts.by_id(session, cid)
        assert class_days.dates_of(cohort, playbook) == [
            date(2026, 12, 1),
            date(2026, 12, 4),
            date(2026, 12, 7),
        ]


def _keys(world) -> list[str]:
    """What was sent, on its own or as a line of a digest."""
    with world.ctx.db.session() as session:
        return [*session.scalars(select(Notification.key)), *session.scalars(select(DigestLine.key))]


def test_cohort_new_tells_which_dates_are_skipped_and_the_real_last_day(world):
    from db.models import Role
    from tests.cohorts.test_cohort_command import _modal_values
    from tests.red_flags.test_red_flags import add_staff

    world.clock.set(ch(2026, 11, 20, 9))
    add_staff(world, TL, "Tess Lead", Role.TL)
    add_staff(world, "U0TL0002", "Tina Other", Role.TL)
    add_staff(world, "U0PM0001", "Paolo Manager", Role.PM)
    world.slack.add_user("U0TL0002", "Tina Other")
    values = _modal_values(name="Thanksgiving week", channel="C0NEWCLS1", start="2026-11-25", pm="U0PM0001")
    values["cohort_tl"] = {"value": {"type": "users_select", "selected_user": "U0TL0002"}}
    reply = world.driver.submit_view("cohort_new", values, user=TL)
    assert reply.status == 200 and reply.body == ""
    created = text_of(world.slack.dms_to(TL)[-1])
    assert "Skipped (no class): Thu Nov 26, 2026 (Thanksgiving Day)" in created
    assert "last day is *Mon Nov 30, 2026*" in created
    # The class's own TL, who did not fill in the form, is told as well.
    told = text_of(world.slack.dms_to("U0TL0002")[-1])
    assert "Thanksgiving Day" in told and "Mon Nov 30, 2026" in told
