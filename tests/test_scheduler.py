"""The real APScheduler over its SQLAlchemy job store (started paused: no job runs on its own)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from scheduler import runner
from scheduler.plan import plan_all
from tests.helpers import TL, import_cohort

CH = ZoneInfo("America/Chicago")


@pytest.fixture
def started(world) -> Iterator[runner.Runner]:
    active = runner.start_scheduler(world.ctx, paused=True)
    try:
        yield active
    finally:
        active.shutdown()
        with world.ctx.db.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))


def test_the_plan_lands_in_the_job_store_with_ids_from_what_each_job_does(world, started):
    cid = import_cohort(world)
    assert started.reconcile_if_changed() is not None  # what the plan watch does within seconds
    ids = set(runner.store_job_ids(world.ctx))
    assert {
        f"cohort:{cid}:g2t",
        f"cohort:{cid}:day:1:morning",
        f"cohort:{cid}:day:2:break:1:raise",
        f"cohort:{cid}:day:3:break:3:mia",
        f"cohort:{cid}:day:3:eod",
        "outbox:retry",
        "plan:reconcile",
    } <= ids
    job = started.scheduler.get_job(f"cohort:{cid}:day:2:break:1:raise")
    assert job.func_ref == "scheduler.jobs:raise_prompt" and tuple(job.args) == (cid, 2, 1)
    assert job.next_run_time == datetime(2026, 12, 2, 9, 55, tzinfo=CH)
    assert job.coalesce is True and job.misfire_grace_time == 300
    # Planning twice changes nothing.
    again = started.reconcile()
    assert (again.added, again.replaced, again.removed) == ([], [], [])


def test_a_job_the_store_dropped_comes_back_and_a_schedule_edit_moves_only_the_future(world, started):
    cid = import_cohort(world)
    started.reconcile()
    started.scheduler.remove_job(f"cohort:{cid}:day:1:morning")
    assert started.reconcile().added == [f"cohort:{cid}:day:1:morning"]
    # Day 1 is under way; the TL moves lunch. Day 1's past jobs stay untouched, the rest move.
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CH))
    schedule = {
        "day_start": "08:00",
        "day_end": "17:00",
        "breaks": [
            {"start": "10:00", "minutes": 15},
            {"start": "12:30", "minutes": 30, "lunch": True},
            {"start": "14:30", "minutes": 15},
        ],
    }
    import_cohort(world, schedule=schedule)
    started.reconcile_if_changed()
    ids = set(runner.store_job_ids(world.ctx))
    assert f"cohort:{cid}:day:1:morning" not in ids  # past its grace: not re-added
    assert started.scheduler.get_job(f"cohort:{cid}:day:1:break:2:raise").next_run_time == datetime(
        2026, 12, 1, 12, 25, tzinfo=CH
    )
    assert started.scheduler.get_job(f"cohort:{cid}:day:3:break:2:lower").next_run_time == datetime(
        2026, 12, 3, 13, 0, tzinfo=CH
    )


def test_a_second_process_refuses_to_start_another_scheduler(world, started):
    with pytest.raises(runner.SchedulerAlreadyRunning) as refused:
        runner.start_scheduler(world.ctx, paused=True)
    assert "already running the scheduler" in refused.value.message
    assert "would run every job twice" in refused.value.message


def test_a_stale_lock_is_taken_over(world):
    lease = runner.Lease(world.ctx.db, 60, clock_now=lambda: datetime.now(UTC) - timedelta(minutes=5))
    lease.acquire()  # a process that died five minutes ago
    active = runner.start_scheduler(world.ctx, paused=True)
    try:
        assert active.lease is not None and active.lease.beat()
        assert not lease.beat()
    finally:
        active.shutdown()
        with world.ctx.db.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))


def test_planned_times_skip_weekends_and_follow_the_cohort_timezone(world):
    import_cohort(world, start_date="2026-12-04")  # a Friday: days are Fri, Mon, Tue
    jobs = {j.id: j for j in plan_all_now(world)}
    mornings = sorted(j.run_at.astimezone(CH) for k, j in jobs.items() if k.endswith(":morning"))
    assert [m.strftime("%a %d %H:%M") for m in mornings] == ["Fri 04 08:00", "Mon 07 08:00", "Tue 08 08:00"]


def plan_all_now(world):
    with world.ctx.db.session() as session:
        return plan_all(session, world.ctx.playbook)


def test_the_tl_is_not_bothered_when_everyone_is_in(world):
    cid = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    assert cid and world.slack.dms_to(TL) == []
