"""The day runs itself: the G2T link the day before, the pinned morning post, check-ins, a break
where Ben forgets to lower his hand, the TL's MIA DM, and the TL excusing him."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.demo.stage import CLASS_CHANNEL, TL, Stage
from bot.slack import ids

CH = ZoneInfo("America/Chicago")
ANA, BEN, CHLOE, DEV = "U0AG0001", "U0AG0002", "U0AG0003", "U0AG0004"


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return (
        datetime(2026, 12, day, hour, minute, tzinfo=CH)
        if day
        else datetime(2026, 11, 30, hour, minute, tzinfo=CH)
    )


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("The day before: the training link")
    stage.narrate("Mon Nov 30, 8:00 AM: 24 hours before the class starts, each agent gets the G2T link.")
    world.advance_to(at(8, 0, day=0))
    stage.show()

    stage.scene("Day 1: the morning post and check-ins")
    world.advance_to(at(8, 0))
    stage.show()
    morning = world.slack.messages(channel=CLASS_CHANNEL)[-1]
    for agent in (ANA, BEN, CHLOE):
        stage.says(agent, ":white_check_mark: on the morning post")
        world.driver.reaction(agent, "white_check_mark", CLASS_CHANNEL, morning["ts"])
    stage.narrate(
        "Dev has not checked in by 8:05; the TL reads it once, in the digest after the break, and Dev is told."
    )
    world.advance_to(at(8, 6))
    stage.show()
    _dev_claims(stage)

    stage.scene("Break 1: raise the hand, lower it after")
    world.advance_to(at(9, 55))
    stage.show()
    raise_post = world.slack.messages(channel=CLASS_CHANNEL)[-1]
    for agent in (ANA, BEN, CHLOE):
        stage.says(agent, ":raised_hand: on the break post")
        world.driver.reaction(agent, "raised_hand", CLASS_CHANNEL, raise_post["ts"])
    world.advance_to(at(10, 15))
    stage.show()
    back = world.slack.messages(channel=CLASS_CHANNEL)[-1]
    stage.says(ANA, ":white_check_mark: on the back-from-break post")
    world.driver.reaction(ANA, "white_check_mark", CLASS_CHANNEL, back["ts"])
    stage.says(CHLOE, "removes her :raised_hand: from the break post")
    world.driver.reaction(CHLOE, "raised_hand", CLASS_CHANNEL, raise_post["ts"], added=False)
    stage.narrate("Ben forgets to lower his hand. At 10:20 the grace is over.")
    world.advance_to(at(10, 21))
    stage.show()

    alert = world.slack.seen_by(TL)[-1]  # the digest, with the MIA line added in place
    value = next(
        e["value"]
        for b in alert["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_MIA_EXCUSE
    )
    stage.says(TL, "clicks Excuse for Ben")
    world.driver.action(
        ids.ACTION_MIA_EXCUSE, value, user=TL, channel=alert["channel"], message_ts=alert["ts"]
    )
    stage.show()
    meta = world.slack.calls("views.open")[-1].args["view"]["private_metadata"]
    stage.says(TL, "types the reason: 'His headset died; he told me in chat' and saves")
    world.driver.submit_view(
        ids.VIEW_MIA_REASON,
        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": "His headset died; he told me in chat"}}},
        user=TL,
        private_metadata=meta,
    )
    stage.show()
    _tl_keeps(stage)


def _dev_claims(stage: Stage) -> None:
    """Dev says he was there; his claim waits in the TL's digest for after the break."""
    world = stage.world
    told = world.slack.dms_to(DEV)[-1]
    there = next(e for b in told["blocks"] if b["type"] == "actions" for e in b["elements"])
    stage.says(DEV, "clicks I was there")
    world.driver.action(there["action_id"], there["value"], user=DEV)
    stage.show()


def _tl_keeps(stage: Stage) -> None:
    """The TL, who did not see Dev, keeps the mark from the claim's line in the digest."""
    world = stage.world
    keep = next(
        e
        for m in reversed(world.slack.seen_by(TL))
        for b in m.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == ids.ACTION_ATTENDANCE_CLAIM_KEEP
    )
    stage.says(TL, "clicks Keep on Dev's claim (Dev was not in the session)")
    world.driver.action(keep["action_id"], keep["value"], user=TL)
    stage.show()
