"""The rest of day 1 (lunch and the afternoon break, everyone on time), then the TL's end-of-day
attendance DM with each agent's proposed code, and /attendance."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.demo.stage import CLASS_CHANNEL, TL, Stage
from bot.slack import ids

CH = ZoneInfo("America/Chicago")
DAY_END = datetime(2026, 12, 1, 17, 0, tzinfo=CH)
PRESENT = ("U0AG0001", "U0AG0002", "U0AG0003")
# (start, minutes) of the day's later breaks in the sample cohort.
LATER_BREAKS = [(datetime(2026, 12, 1, 12, 0, tzinfo=CH), 30), (datetime(2026, 12, 1, 14, 30, tzinfo=CH), 15)]


def play(stage: Stage) -> None:
    world = stage.world
    if world.clock.now() < DAY_END:
        stage.scene("Lunch and the afternoon break")
        stage.narrate("Ana, Ben and Chloe raise their hands before each and lower them after, on time.")
        for start, minutes in LATER_BREAKS:
            world.advance_to(start - timedelta(minutes=5))
            raise_post = world.slack.messages(channel=CLASS_CHANNEL)[-1]
            for agent in PRESENT:
                world.driver.reaction(agent, "raised_hand", CLASS_CHANNEL, raise_post["ts"])
            world.advance_to(start + timedelta(minutes=minutes))
            back = world.slack.messages(channel=CLASS_CHANNEL)[-1]
            for agent in PRESENT:
                world.driver.reaction(agent, "white_check_mark", CLASS_CHANNEL, back["ts"])
        stage.show()
    stage.scene("End of day 1: the attendance DM")
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
