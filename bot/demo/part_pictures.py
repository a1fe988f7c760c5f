"""Pictures: the PM presses Pictures on the class's Home panel and gets its funnel, its attendance
map and the pass rates in their DM, as PNG files; the demo saves them in a folder to open."""

from __future__ import annotations

from pathlib import Path

from bot.demo.stage import CLASS_CHANNEL, PM, Stage
from bot.slack import ids
from bot.standin.server import dm_channel_for


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("Pictures: the class's funnel, attendance map and pass rates")
    stage.says(PM, "(presses Pictures on the class's panel of the App Home)")
    world.driver.action(ids.ACTION_CLASS_PICTURES, CLASS_CHANNEL, user=PM)
    stage.show()
    folder = stage.pictures_dir
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for upload in world.slack.uploads(channel=dm_channel_for(PM)):
        if not upload.filename.endswith(".png"):
            continue
        path = Path(folder) / upload.filename
        path.write_bytes(upload.content)
        stage.out.write(f"  picture saved: {path.resolve()}\n")
        stage.out.write(f"    alt text: {upload.alt_txt}\n")
