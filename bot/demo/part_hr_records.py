"""HR records: a Written CAP reaches the TL as the filled DOCX (saved where a newcomer can open
it), the agent presses "I have read this", the PM reads her coaching history, and an admin lists
who read the agent's records."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import docx

from bot.core import people
from bot.demo.part_accountability import ANA
from bot.demo.stage import ADMIN, CLASS_CHANNEL, PM, TL, Stage
from bot.slack import ids
from bot.standin.server import dm_channel_for
from db.models import Role

# The lines of the filled document a newcomer would check first.
SHOWN_FIELDS = ("Corrective Action Plan:", "Agent:", "N-Number:", "Class:", "Policy:", "Team lead:")


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("HR records: the CAP as a document, the agent's acknowledgement, who read what")
    with world.ctx.db.session() as session:
        people.upsert(
            session, slack_user_id=ADMIN, name="Alex", role=Role.ADMIN, actor="cli", now=world.clock.now()
        )
    before = len(world.slack.uploads(channel=dm_channel_for(TL)))
    stage.says(TL, "/coach @Ana Ruiz conduct written Used the class chat for personal jokes again")
    world.driver.command(
        "/coach",
        f"<@{ANA}|ana> conduct written Used the class chat for personal jokes again",
        user=TL,
        channel=CLASS_CHANNEL,
    )
    stage.show()
    for upload in world.slack.uploads(channel=dm_channel_for(TL))[before:]:
        if not upload.filename.endswith(".docx"):
            continue
        stage.out.write(f"  the TL received {upload.filename}; it reads:\n")
        for paragraph in docx.Document(io.BytesIO(upload.content)).paragraphs:
            if paragraph.text.startswith(SHOWN_FIELDS):
                stage.out.write(f"    {paragraph.text}\n")
        if stage.pictures_dir is not None:
            stage.pictures_dir.mkdir(parents=True, exist_ok=True)
            path = Path(stage.pictures_dir) / upload.filename
            path.write_bytes(upload.content)
            stage.out.write(f"  CAP saved: {path.resolve()}\n")

    button = _acknowledge_button(stage)
    if button is not None:
        world.clock.advance(timedelta(minutes=20))
        stage.says(ANA, "(presses I have read this under the CAP in her DM)")
        world.driver.action(ids.ACTION_CAP_ACKNOWLEDGE, button, user=ANA, channel=dm_channel_for(ANA))
        stage.show()

    world.clock.advance(timedelta(minutes=5))
    stage.says(PM, "/coaching @Ana Ruiz")
    world.driver.command("/coaching", f"<@{ANA}|ana>", user=PM, channel=CLASS_CHANNEL)
    stage.show()
    world.clock.advance(timedelta(minutes=5))
    stage.narrate("Each look at an HR record leaves a row: an admin lists who read Ana's.")
    stage.says(ADMIN, "/records reads @Ana Ruiz")
    world.driver.command("/records", f"reads <@{ANA}|ana>", user=ADMIN, channel=CLASS_CHANNEL)
    stage.show()


def _acknowledge_button(stage: Stage) -> str | None:
    """The value of the newest "I have read this" button in the agent's DM."""
    for message in reversed(stage.world.slack.dms_to(ANA)):
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == ids.ACTION_CAP_ACKNOWLEDGE:
                    return str(element["value"])
    return None
