"""A red flag: the TL records a background-check finding for Ben, the PM and the ESP manager hear
at once, the ESP manager resolves it, and the TL's App Home shows the class."""

from __future__ import annotations

import json

from bot.core import people
from bot.demo.stage import CLASS_CHANNEL, ESP_MANAGER, TL, Stage
from bot.red_flags import service as red_flags
from bot.slack import ids
from db.models import Role

BEN = "U0AG0002"


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("A red flag for Ben")
    with world.ctx.db.session() as session:
        if people.by_slack_id(session, ESP_MANAGER) is None:
            people.upsert(
                session,
                slack_user_id=ESP_MANAGER,
                name="Erin",
                role=Role.ESP_MANAGER,
                actor="cli",
                now=world.clock.now(),
            )
    text = "background Carrier background check shows a 2019 misdemeanor; needs review"
    stage.says(TL, f"/redflag @Ben Okafor {text}")
    world.driver.command("/redflag", f"<@{BEN}|ben.okafor> {text}", user=TL, channel=CLASS_CHANNEL)
    stage.show()

    with world.ctx.db.session() as session:
        [flag] = [f for f in red_flags.open_flags(session) if f.person.slack_user_id == BEN][-1:]
        flag_id = flag.id
    dm = world.slack.dms_to(ESP_MANAGER)[-1]
    stage.narrate("Erin (ESP manager) presses Resolve on her DM.")
    world.driver.action(
        ids.ACTION_REDFLAG_RESOLVE, str(flag_id), user=ESP_MANAGER, channel=dm["channel"], message_ts=dm["ts"]
    )
    stage.show()
    resolution = "Carrier approved the appointment after Ben signed the release"
    stage.narrate(f"Erin types: {resolution} (Resolve)")
    world.driver.submit_view(
        ids.VIEW_REDFLAG_RESOLVE,
        {ids.REDFLAG_RESOLUTION_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": resolution}}},
        user=ESP_MANAGER,
        private_metadata=json.dumps({"flag_id": flag_id}),
    )
    stage.show()

    stage.narrate("Tess opens the bot's Home tab.")
    world.driver.event({"type": ids.EVENT_APP_HOME_OPENED, "user": TL, "tab": "home", "event_ts": "1.0"})
    stage.show()
