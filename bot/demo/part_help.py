"""Help all day: Chloe has no audio, the troubleshooting steps do not fix it, she is still
stuck, the TL claims her into breakout room 3 and Chloe is told where to go."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.demo.stage import CLASS_CHANNEL, TL, Stage
from bot.slack import ids

CHLOE = "U0AG0003"
# Mid-morning of the first training day, after the first break.
HELP_TIME = datetime(2026, 12, 1, 10, 40, tzinfo=ZoneInfo("America/Chicago"))


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("Help all day: a tech issue, the help queue, a breakout room")
    if world.clock.now() < HELP_TIME:
        world.clock.set(HELP_TIME)

    stage.says(CHLOE, "/techissue no audio")
    world.driver.command(ids.TECHISSUE, "no audio", user=CHLOE, channel=CLASS_CHANNEL)
    stage.show()

    stage.narrate("Chloe tries the steps; still no sound. She clicks Still stuck (twice, to be sure).")
    value = _button_value(world.slack.responses()[-1].payload, ids.ACTION_HELP_STILL_STUCK)
    for _ in range(2):
        world.driver.action(ids.ACTION_HELP_STILL_STUCK, value, user=CHLOE, channel=CLASS_CHANNEL)
    stage.show()

    world.clock.advance(timedelta(minutes=3))
    card = world.slack.dms_to(TL)[-1]
    request_id = _button_value(card, ids.ACTION_HELP_CLAIM)
    stage.narrate("Three minutes later the TL clicks Claim on the card.")
    world.driver.action(
        ids.ACTION_HELP_CLAIM, request_id, user=TL, channel=card["channel"], message_ts=card["ts"]
    )
    stage.show()

    stage.says(TL, "breakout room 3 (and submits the form)")
    world.driver.submit_view(
        ids.VIEW_HELP_CLAIM,
        {ids.HELP_ROOM_BLOCK: {ids.FIELD_INPUT: {"type": "number_input", "value": "3"}}},
        user=TL,
        private_metadata=json.dumps({"request_id": int(request_id)}),
    )
    stage.show()

    world.clock.advance(timedelta(minutes=10))
    stage.narrate("Audio fixed in the breakout room; the TL marks it resolved.")
    world.driver.action(
        ids.ACTION_HELP_RESOLVE, request_id, user=TL, channel=card["channel"], message_ts=card["ts"]
    )
    stage.show()


def _button_value(message: dict, action_id: str) -> str:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(element["value"])
    raise LookupError(f"no {action_id} button in the message")
