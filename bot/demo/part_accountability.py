"""Accountability: a verbal coaching typed in one line, and a failed AHIP attempt with its DMs."""

from __future__ import annotations

from bot.core import people
from bot.demo.stage import AGENTS, CLASS_CHANNEL, ESP_MANAGER, TL, Stage
from db.models import Role

ANA = next(uid for uid, name in AGENTS.items() if name == "Ana Ruiz")


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("Accountability: a coaching and a failed exam")
    with world.ctx.db.session() as session:
        people.upsert(
            session,
            slack_user_id=ESP_MANAGER,
            name="Erin",
            role=Role.ESP_MANAGER,
            actor="cli",
            now=world.clock.now(),
        )
    stage.says(TL, "/coach @Ana Ruiz conduct verbal Talked over the trainer during the AHIP review")
    world.driver.command(
        "/coach",
        f"<@{ANA}|ana> conduct verbal Talked over the trainer during the AHIP review",
        user=TL,
        channel=CLASS_CHANNEL,
    )
    stage.show()
    stage.says(TL, "/failcert @Ana Ruiz ahip 62 module 4 questions")
    world.driver.command(
        "/failcert", f"<@{ANA}|ana> ahip 62 module 4 questions", user=TL, channel=CLASS_CHANNEL
    )
    stage.show()
    stage.says(ANA, "/progress ahip 3")
    world.driver.command("/progress", "ahip 3", user=ANA, channel=CLASS_CHANNEL)
    stage.show()
