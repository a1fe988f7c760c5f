"""A job store written by the release before the features got packages of their own names job
functions by their old modules. Started on this release, the scheduler keeps every stored job,
at its stored time, pointing at the function's new home, and the job runs."""

from __future__ import annotations

import importlib
import logging
import pickle
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from scheduler import runner
from scheduler.legacy_refs import LEGACY_REFS
from tests.helpers import CLASS, import_cohort


@pytest.fixture
def job_table(world) -> Iterator[None]:
    yield
    with world.ctx.db.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM {runner.JOB_TABLE}"))


def _write_as_the_old_release(world, job_id: str, old_ref: str) -> None:
    with world.ctx.db.engine.begin() as connection:
        blob = connection.execute(
            text(f"SELECT job_state FROM {runner.JOB_TABLE} WHERE id = :id"), {"id": job_id}
        ).scalar_one()
        state = pickle.loads(blob)
        state["func"] = old_ref
        connection.execute(
            text(f"UPDATE {runner.JOB_TABLE} SET job_state = :s WHERE id = :id"),
            {"s": pickle.dumps(state), "id": job_id},
        )


def test_jobs_stored_under_their_old_modules_load_run_and_keep_their_time(world, job_table, caplog):
    cid = import_cohort(world)
    first = runner.start_scheduler(world.ctx, paused=True)
    morning = first.scheduler.get_job(f"cohort:{cid}:day:1:morning")
    planned_at = morning.next_run_time
    first.shutdown()
    old = {
        f"cohort:{cid}:day:1:morning": "scheduler.jobs:morning_post",
        f"cohort:{cid}:day:1:break:1:raise": "scheduler.jobs:raise_prompt",
        f"cohort:{cid}:g2t": "scheduler.jobs:send_g2t_links",
        f"cohort:{cid}:day:1:timeframe-check": "scheduler.timeframe:timeframe_check",
        "plan:reconcile": "scheduler.jobs:reconcile",
        "outbox:retry": "scheduler.jobs:retry_outbox",
    }
    for job_id, ref in old.items():
        _write_as_the_old_release(world, job_id, ref)

    caplog.set_level(logging.INFO)
    second = runner.start_scheduler(world.ctx, paused=True)
    try:
        jobs = {job.id: job for job in second.scheduler.get_jobs()}
        assert set(old) <= set(jobs)
        for job_id, ref in old.items():
            assert jobs[job_id].func_ref == LEGACY_REFS.get(ref, ref)
        assert jobs[f"cohort:{cid}:day:1:morning"].next_run_time == planned_at
        assert "Unable to restore job" not in caplog.text
        morning = jobs[f"cohort:{cid}:day:1:morning"]
    finally:
        second.shutdown()

    world.clock.set(planned_at)
    world.run_job(morning.func_ref, *morning.args)
    posted = world.slack.messages(channel=CLASS)
    assert [m["text"] for m in posted if m["text"].startswith("Good morning!")] == [
        "Good morning! Day 1 of 3. React :white_check_mark: to check in."
    ]


def test_every_old_reference_names_a_function_that_exists():
    for new in LEGACY_REFS.values():
        module, _, name = new.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), new
