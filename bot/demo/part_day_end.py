"""End of day 1: the TL's attendance DM with each agent's proposed code, then /attendance."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import ids
from bot.demo.stage import CLASS_CHANNEL, TL, Stage
from bot.services import cohorts

DAY_END = datetime(2026, 12, 1, 17, 0, tzinfo=ZoneInfo("America/Chicago"))


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("End of day 1: the attendance DM")
    stage.narrate("(This short demo skips the agents' answers to the later break prompts, so those count as MIA.)")
    if world.clock.now() < DAY_END:
        world.advance_to(DAY_END)
    else:
        with world.ctx.db.session() as session:
            cohort_id = cohorts.require_for_channel(session, CLASS_CHANNEL).id
        world.run_job("scheduler.jobs:end_of_day", cohort_id, 1)
    stage.show()
    stage.says(TL, "/attendance")
    world.driver.command(ids.ATTENDANCE, "", user=TL, channel=CLASS_CHANNEL)
    stage.show()
