"""Block Kit for the ESP tracker: an agent's tracker and the class's. Pure functions: view models
in, blocks out."""

from __future__ import annotations

from bot.core.text import INCIDENT, SECTION, escape_line, shorten
from bot.esp_tracker.types import ClassTracker, Tracker
from bot.slack.blocks import Block, context, header, section, sections

ESP_USAGE = (
    "`/esp @agent` shows the agent's ESP tracker; `/esp @agent aetna=complete equipment=complete` "
    "updates it. In the class channel, `/esp` (or `/esp class`) shows the whole class. "
    "`/esp export` (or `/esp export csv`) sends you the tracker of your classes as a file."
)


def tracker(view: Tracker) -> list[Block]:
    blocks: list[Block] = [header(f"ESP tracker: {view.agent_name}")]
    if view.cohort_name:
        blocks.append(context(view.cohort_name))
    lines = []
    for row in view.rows:
        line = f"{row.emoji} *{row.label}*: {row.status}"
        if row.changed:
            line += f" _({row.changed})_"
        lines.append(line)
    blocks.append(section("\n".join(lines)))
    if view.complete:
        blocks.append(section(":tada: ESP-complete: ready for production."))
    if view.open_flags:
        # A red flag's text is stored up to its cap; several must still fit one section.
        flags = "\n".join(f"• {shorten(f, INCIDENT)}" for f in view.open_flags)
        blocks.append(section(shorten(":triangular_flag_on_post: Open red flags:\n" + flags, SECTION)))
    return blocks


def class_tracker(view: ClassTracker) -> list[Block]:
    """One line per agent: each item's emoji with its status in words."""
    blocks: list[Block] = [header(f"ESP tracker: {view.cohort_name}")]
    if not view.rows:
        blocks.append(section("No agents in this class yet."))
        return blocks
    lines = [
        f"*{escape_line(name)}*: " + " · ".join(f"{emoji} {label} {words}" for emoji, label, words in items)
        for name, items in view.rows
    ]
    blocks.extend(sections(lines))
    blocks.append(context("`/esp @agent` for details."))
    return blocks
