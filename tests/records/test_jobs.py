"""The records' and coaching's housekeeping jobs are in the scheduler with stable ids, taking no
arguments: retention daily at the playbook's hour, unacknowledged CAPs hourly."""

from __future__ import annotations

from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler

from scheduler import runner


def test_retention_runs_daily_and_the_unacknowledged_check_hourly(world):
    retention = world.ctx.playbook.retention.model_copy(update={"run_at_hour": 4})
    world.ctx.playbook = world.ctx.playbook.model_copy(update={"retention": retention})
    scheduler = BackgroundScheduler(timezone=UTC)
    run = runner.Runner(ctx=world.ctx, scheduler=scheduler)
    scheduler.start(paused=True)
    try:
        run.add_housekeeping()
        daily = scheduler.get_job("records:retention")
        assert daily.func_ref == "bot.records.jobs:apply_retention" and tuple(daily.args) == ()
        fields = {f.name: str(f) for f in daily.trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("4", "10")
        hourly = scheduler.get_job("coaching:cap-unacknowledged")
        assert hourly.func_ref == "bot.coaching.jobs:name_unacknowledged_caps"
        assert {f.name: str(f) for f in hourly.trigger.fields}["hour"] == "*"
    finally:
        scheduler.shutdown(wait=False)
