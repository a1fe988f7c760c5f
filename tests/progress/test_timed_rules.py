"""The timed rules of the guides on one engine: Aetna's 4 hours with a step per miss, the TBTs'
8 hours, the Call Cert's 4 hours once a certifier connects, TBT and Call Cert together in 2
business days and the steps after 3; a paused clock's marks on time; refusals naming the clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select

from bot.config.playbook import PlaybookError, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.standin.harness import World
from db.models import Notification
from tests.helpers import BEN, CHLOE, CLASS, TL, import_cohort, replies, text_of

CHI = ZoneInfo("America/Chicago")


def _marks(world: World, what: str, agent: str = "Ben Okafor") -> list[dict]:
    return [
        m for m in world.slack.dms_to(TL) if f"on {what} (the guide" in text_of(m) and agent in text_of(m)
    ]


def _esp(world: World, text: str) -> None:
    world.driver.command("/esp", f"<@{BEN}|ben> {text}", user=TL, channel=CLASS)


def test_aetna_gives_four_hours_and_each_miss_four_more_with_the_next_step(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=CHI))
    _esp(world, "aetna=in_progress")  # Ben starts Aetna on Wednesday at 8 AM
    # 2 h, break, 1.75 h, lunch, 0.25 h: the 4th training hour ends at 12:45.
    world.advance_to(datetime(2026, 12, 2, 12, 44, tzinfo=CHI))
    assert _marks(world, "Aetna certification") == []
    world.advance_to(datetime(2026, 12, 2, 12, 46, tzinfo=CHI))
    [first] = _marks(world, "Aetna certification")
    assert "4 training hours on Aetna certification (the guide gives 4)" in text_of(first)
    assert "Proposed: *Verbal coaching*" in text_of(first)

    # The button opens the coaching form with the step and the incident filled in.
    button = next(e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"])
    world.driver.action(button["action_id"], button["value"], user=TL)
    form = str(world.slack.calls("views.open")[-1].args["view"])
    assert "Still not done with Aetna certification after 4 training hours" in form

    world.advance_to(datetime(2026, 12, 2, 17, 1, tzinfo=CHI))  # 8 h
    assert "Proposed: *Written CAP*" in text_of(_marks(world, "Aetna certification")[-1])
    world.advance_to(datetime(2026, 12, 3, 12, 46, tzinfo=CHI))  # 12 h
    assert "Proposed: *Final CAP*" in text_of(_marks(world, "Aetna certification")[-1])
    world.driver.command("/progress", "aetna done", user=BEN, channel=CLASS)
    world.advance_to(datetime(2026, 12, 7, 17, 1, tzinfo=CHI))  # done: no termination proposed
    assert len(_marks(world, "Aetna certification")) == 3
    assert _marks(world, "Aetna certification", agent="Chloe Martin") == []  # never started
    with world.ctx.db.session() as session:
        kinds = session.scalars(select(Notification.kind).where(Notification.key.like("clock:aetna:%"))).all()
    assert kinds == ["timed_mark"] * 3


def test_call_cert_counts_four_hours_once_a_certifier_connects(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 3, 9, 0, tzinfo=CHI))
    _esp(world, "callcert=in_progress")
    # 1 h, break, 1.75 h, lunch, 1.25 h: 1:45 PM.
    world.advance_to(datetime(2026, 12, 3, 13, 44, tzinfo=CHI))
    assert _marks(world, "Call Cert") == []
    world.advance_to(datetime(2026, 12, 3, 13, 46, tzinfo=CHI))
    [mark] = _marks(world, "Call Cert")
    assert "The guide's limit has passed; no step yet." in text_of(mark)
    assert not [b for b in mark["blocks"] if b["type"] == "actions"]  # no step the guide does not call for


def test_tbt_and_call_cert_take_two_business_days_then_a_step_a_day_after_three(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 3, 10, 0, tzinfo=CHI))  # Thursday
    _esp(world, "tbt=in_progress")
    world.advance_to(datetime(2026, 12, 4, 10, 1, tzinfo=CHI))  # 8 training hours of TBTs
    assert len(_marks(world, "TBTs")) == 1
    world.advance_to(datetime(2026, 12, 7, 9, 59, tzinfo=CHI))  # the weekend is no business day
    assert _marks(world, "TBT and Call Cert") == []
    world.advance_to(datetime(2026, 12, 7, 10, 1, tzinfo=CHI))
    assert "The guide's limit has passed" in text_of(_marks(world, "TBT and Call Cert")[-1])
    steps = []
    for day in (8, 9, 10):
        world.advance_to(datetime(2026, 12, day, 10, 1, tzinfo=CHI))
        steps.append(_marks(world, "TBT and Call Cert")[-1]["text"].split("Proposed: ")[-1])
    assert steps == ["*Verbal coaching*.", "*Written CAP*.", "*Final CAP*."]
    _esp(world, "tbt=complete callcert=complete")
    world.advance_to(datetime(2026, 12, 14, 17, 0, tzinfo=CHI))
    assert len(_marks(world, "TBT and Call Cert")) == 4  # done: termination never proposed


def test_a_resumed_clock_marks_on_time_not_at_the_next_break(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
    world.driver.command("/progress", f"<@{BEN}|ben> pause VPN outage", user=TL, channel=CLASS)
    world.advance_to(datetime(2026, 12, 2, 9, 37, tzinfo=CHI))
    [resumed] = replies(
        world, world.driver.command("/progress", f"<@{BEN}|ben> resume", user=TL, channel=CLASS)
    )
    assert "runs again" in resumed
    # 24 training hours end Thursday at 5 PM; the 37 paused minutes move Ben's to Friday 8:37,
    # well before Friday's first break (when the check used to come).
    world.advance_to(datetime(2026, 12, 4, 8, 36, tzinfo=CHI))
    assert _marks(world, "AHIP") == [] and len(_marks(world, "AHIP", agent="Chloe Martin")) == 1
    world.advance_to(datetime(2026, 12, 4, 8, 38, tzinfo=CHI))
    assert "Proposed: *Verbal coaching*" in text_of(_marks(world, "AHIP")[0])
    assert CHLOE  # the others' clocks ran on


def _with(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    change(raw["timed_rules"]["clocks"])
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c[0].update(times=["aetnna"]), "clock aetna times 'aetnna'"),
        (lambda c: c[1]["marks"].append({"after": 9, "step": "scolding"}), "clock tbt: the mark after 9"),
        (lambda c: c[2].update(starts="first_login"), "clock callcert: starts"),
        (lambda c: c[3]["marks"].reverse(), "clock tbt_callcert: marks must rise"),
        (lambda c: c[0].update(policy="nope"), "clock aetna: 'nope' is not a coaching policy"),
        (lambda c: c[2].update(times=["tbt"]), "clock callcert: starts: certifier_connects needs callcert"),
        (lambda c: c.append(dict(c[0])), "clock aetna: the key is used twice"),
        (lambda c: c[0].update(starts="date"), "clock aetna: starts: date needs a start_date"),
    ],
)
def test_a_bad_clock_is_refused_at_start_by_name(tmp_path, change, message):
    with pytest.raises(PlaybookError) as refused:
        load_playbook(_with(tmp_path, change))
    assert message in str(refused.value)


def test_a_dated_clock_counts_business_days_past_christmas(database_url, standin, tmp_path):
    from tests.conftest import AGENTS, DEFAULT_START, STAFF, _empty

    def add_rts_clock(clocks):
        clocks.append(
            {
                "key": "rts_due",
                "label": "RTS/No More Forms",
                "times": ["rts"],
                "starts": "date",
                "start_date": "2026-12-23",
                "counts": "business_days",
                "limit": 2,
                "marks": [{"after": 2, "step": "verbal"}],
            }
        )

    path = _with(tmp_path, add_rts_clock)
    standin.reset()
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    world = World(database_url, start=DEFAULT_START, standin=standin, migrate=False, playbook=path)
    try:
        import_cohort(world)
        world.advance_to(datetime(2026, 12, 24, 12, 0, tzinfo=CHI))
        _esp(world, "rts=complete")  # Ben is done in time; the others are not
        # Wed Dec 23 8 AM + 2 business days: Thu Dec 24, then Christmas and the weekend: Mon Dec 28.
        world.advance_to(datetime(2026, 12, 28, 7, 59, tzinfo=CHI))
        assert _marks(world, "RTS/No More Forms", agent="Chloe Martin") == []
        world.advance_to(datetime(2026, 12, 28, 8, 1, tzinfo=CHI))
        [chloe] = _marks(world, "RTS/No More Forms", agent="Chloe Martin")
        assert "2 business days on RTS/No More Forms" in text_of(chloe)
        assert _marks(world, "RTS/No More Forms") == []  # Ben finished
    finally:
        world.close()
        _empty(database_url)


def test_a_report_list_naming_an_unknown_item_is_refused(tmp_path):
    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    raw["morning_report"]["incomplete"].append({"title": "PW late", "items": ["pw"], "after_days": 1})
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(PlaybookError) as refused:
        load_playbook(path)
    assert "morning_report.incomplete 'PW late': unknown item(s) 'pw'" in str(refused.value)


def test_the_scheduler_replans_a_resumed_clocks_mark_within_its_plan_watch(world):
    from sqlalchemy import text

    from scheduler import runner

    cid = import_cohort(world)
    started = runner.start_scheduler(world.ctx, paused=True)
    try:
        started.reconcile_if_changed()
        world.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
        world.driver.command("/progress", f"<@{BEN}|ben> pause VPN outage", user=TL, channel=CLASS)
        world.clock.set(datetime(2026, 12, 2, 9, 37, tzinfo=CHI))
        world.driver.command("/progress", f"<@{BEN}|ben> resume", user=TL, channel=CLASS)
        world.settle()
        # The plan watch (every few seconds) sees the clock moved and plans Ben's mark at its minute.
        assert started.reconcile_if_changed() is not None
        job = started.scheduler.get_job(f"cohort:{cid}:ahip-clock:20261204T1437")
        assert job is not None and job.next_run_time == datetime(2026, 12, 4, 8, 37, tzinfo=CHI)
    finally:
        started.shutdown()
        with world.ctx.db.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))
