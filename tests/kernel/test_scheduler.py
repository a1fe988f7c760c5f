"""The real APScheduler over its SQLAlchemy job store (started paused unless a test needs its loop),
who leads it, and the watchdog over its loop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text

from scheduler import leadership, runner
from scheduler.plan import plan_all, plan_cohort
from tests.helpers import CLASS, TL, import_cohort, shipped_playbook, unsaved_cohort

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
    assert job.func_ref == "bot.class_day.jobs:raise_prompt" and tuple(job.args) == (cid, 2, 1)
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


def test_planned_times_skip_weekends_and_follow_the_cohort_timezone():
    cohort = unsaved_cohort(start_date="2026-12-04")  # a Friday: days are Fri, Mon, Tue
    jobs = {j.id: j for j in plan_cohort(cohort, shipped_playbook())}
    mornings = sorted(j.run_at.astimezone(CH) for k, j in jobs.items() if k.endswith(":morning"))
    assert [m.strftime("%a %d %H:%M") for m in mornings] == ["Fri 04 08:00", "Mon 07 08:00", "Tue 08 08:00"]


def plan_all_now(world):
    with world.ctx.db.session() as session:
        return plan_all(session, world.ctx.playbook)


def test_the_tl_is_not_bothered_when_everyone_is_in(world):
    cid = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 8, 0, tzinfo=CH))
    assert cid and world.slack.dms_to(TL) == []


# -- the race that killed APScheduler's loop (agronholm/apscheduler#237) ---------------------------
RAN = threading.Event()


def _note_run() -> None:
    RAN.set()


def _wait(predicate, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


def _delete_rows_under_the_loop(world, scheduler) -> None:  # type: ignore[no-untyped-def]
    """Between the loop's read of the due jobs and its write back, another process (a leader that
    just lost its lock, the old process of a rolling deploy) deletes them."""
    store = scheduler._lookup_jobstore("default")
    read = store.get_due_jobs

    def get_due_jobs(now):  # type: ignore[no-untyped-def]
        due = read(now)
        if due:
            with world.ctx.db.engine.begin() as connection:
                connection.execute(text(f"DELETE FROM {runner.JOB_TABLE} WHERE id LIKE 'race:%'"))
        return due

    store.get_due_jobs = get_due_jobs


@pytest.mark.parametrize("trigger", ["date", "interval"])
def test_a_job_removed_by_another_process_under_the_loop_does_not_kill_it(world, started, trigger):
    scheduler = started.scheduler
    scheduler.tick_seconds = 0.1
    _delete_rows_under_the_loop(world, scheduler)
    RAN.clear()
    now = datetime.now(UTC)
    scheduler.add_job(
        "tests.kernel.test_scheduler:_note_run",
        trigger=DateTrigger(run_date=now)
        if trigger == "date"
        else IntervalTrigger(seconds=60, start_date=now - timedelta(seconds=59)),
        id=f"race:{trigger}",
        misfire_grace_time=30,
    )
    scheduler.resume()
    assert RAN.wait(5), "the due job never ran"
    tick = scheduler.last_tick_at
    assert _wait(lambda: scheduler.last_tick_at > tick), "the loop stopped ticking"
    assert scheduler.loop_alive()


def test_removing_a_job_that_is_already_gone_is_not_an_error(world, started):
    started.scheduler.remove_job("cohort:999:g2t")  # what reconcile does after the loop ran it


def test_a_shutdown_while_jobs_are_due_leaves_them_for_the_next_leader(world):
    """APScheduler's loop used to process the due jobs once more after shutdown, and die looking for
    them among the pending ones."""
    cid = import_cohort(world)
    active = runner.start_scheduler(world.ctx, paused=True)
    due = datetime.now(UTC) - timedelta(seconds=5)
    active.scheduler.add_job(
        "tests.kernel.test_scheduler:_note_run", trigger=DateTrigger(run_date=due), id="race:due"
    )
    try:
        active.shutdown()
        assert not active.scheduler.loop_alive()
        assert "race:due" in runner.store_job_ids(world.ctx) and f"cohort:{cid}:g2t" in runner.store_job_ids(
            world.ctx
        )
    finally:
        with world.ctx.db.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))


# -- leadership and the watchdog ----------------------------------------------------------------
@pytest.fixture
def coordinators(world) -> Iterator[list[leadership.Coordinator]]:
    made: list[leadership.Coordinator] = []

    def make(**options):  # type: ignore[no-untyped-def]
        coordinator = leadership.Coordinator(world.ctx, poll_seconds=0.1, **options)
        made.append(coordinator)
        return coordinator

    yield make  # type: ignore[misc]
    for coordinator in made:
        coordinator.stop(job_grace=2)
    with world.ctx.db.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))


def test_one_process_leads_and_a_standby_takes_over_when_it_steps_down(world, coordinators):
    first, second = coordinators(paused=True), coordinators(paused=True)
    first.step()
    second.step()
    assert (first.status().role, second.status().role) == ("leader", "standby")
    second.step()
    assert second.status().role == "standby"
    first.stop(job_grace=2)
    second.step()
    assert second.status().role == "leader"
    assert "plan:reconcile" in runner.store_job_ids(world.ctx)


def test_a_stale_lease_is_taken_over(world):
    lease = leadership.Lease(world.ctx.db, 60, clock_now=lambda: datetime.now(UTC) - timedelta(minutes=5))
    lease.acquire()  # a process that died five minutes ago
    election = leadership.LeaseElection(world.ctx.db, 60, owner="new")
    try:
        assert election.try_acquire() and election.held()
        assert not lease.beat()
    finally:
        election.release()


def test_the_watchdog_restarts_a_scheduler_whose_loop_died(world, coordinators):
    coordinator = coordinators(paused=True)
    coordinator.step()
    dead = coordinator.runner
    assert dead is not None
    dead.scheduler.state = STATE_STOPPED  # the loop thread ends, as it does after an exception
    dead.scheduler.wakeup()
    assert _wait(lambda: not dead.scheduler.loop_alive())
    coordinator.step()
    assert coordinator.runner is not dead and coordinator.status().loop_alive
    assert coordinator.status().role == "leader"


def test_the_watchdog_gives_up_leadership_when_the_loop_is_stuck(world, coordinators):
    stuck, standby = coordinators(watchdog_seconds=0.3), coordinators(paused=True)
    stuck.step()
    runner_before = stuck.runner
    assert runner_before is not None
    runner_before.scheduler.tick_seconds = 0.05
    # A query hung inside the loop's pass over the store: it holds the store lock and never returns.
    with runner_before.scheduler._jobstores_lock:
        time.sleep(0.6)
        stuck.step()
        assert stuck.status().role == "standby"
        standby.step()
        assert standby.status().role == "leader"
    stuck.step()
    assert stuck.status().role == "standby"  # it waits a takeover's time before trying again


def test_a_new_leader_sends_a_prompt_still_in_its_grace_once_and_nothing_sent_again(world):
    """The leader died at 9:54 with the 9:55 raise prompt not yet sent; a standby leads at 9:57."""
    cid = import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 9, 54, tzinfo=CH))  # what the dead leader did: morning post...
    posted, everything = len(world.slack.messages(channel=CLASS)), len(world.slack.messages())
    world.clock.set(datetime(2026, 12, 1, 9, 57, tzinfo=CH))
    new = runner.start_scheduler(world.ctx, paused=True)
    try:
        now = world.clock.now()
        due = [j for j in new.scheduler.get_jobs() if j.id.startswith("cohort:") and j.next_run_time <= now]
        ids = {j.id for j in due}
        # Due: the raise prompt (2 minutes late, its grace is 5), and jobs with a long grace that
        # the dead leader had already run. The morning post (8:00) is past its grace: not re-planned.
        assert f"cohort:{cid}:day:1:break:1:raise" in ids and f"cohort:{cid}:day:1:morning" not in ids
        for _ in range(2):  # and a second time, as an old leader still running would
            for job in due:
                world.run_job(job.func_ref, *job.args)
        channel = world.slack.messages(channel=CLASS)
        assert len(channel) == posted + 1
        assert "raise" in str(channel[-1]).lower() or ":raised_hand:" in str(channel[-1])
        assert len(world.slack.messages()) == everything + 1  # the g2t links, the tardy check: nothing again
    finally:
        new.shutdown()
        with world.ctx.db.engine.begin() as connection:
            connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))
