"""The managers' morning report as Block Kit: one header, then a part per class."""

from __future__ import annotations

from datetime import date

from bot.core.text import escape_line
from bot.core.timefmt import show_date
from bot.reports.types import ClassPart
from bot.slack.blocks import Block, context, divider, header, section, sections

MAX_BLOCKS = 50  # Slack's limit for a message


def _list(title: str, lines: list[str]) -> list[str]:
    return [f"*{title}*", *(f"• {line}" for line in lines)] if lines else []


def class_blocks(part: ClassPart) -> list[Block]:
    lines = (
        _list("Behind pace", part.behind)
        + _list("AHIP/Aetna not finished", part.carriers_open)
        + [line for title, found in part.incomplete for line in _list(title, found)]
        + _list("ESP-complete, not yet moved to production", part.waiting_production)
        + _list("Moved to production", part.moved)
        + _list("Red flags open too long", part.old_flags)
        + _list("Attempt limit reached", part.at_limit)
    )
    return [
        section(f"*{escape_line(part.name)}* · {part.day_text}"),
        *(sections(lines) if lines else [context("Nothing needs you here today.")]),
    ]


def report(today: date, parts: list[ClassPart], *, everyone: bool) -> tuple[str, list[Block]]:
    scope = "every class" if everyone else "your classes"
    needing = sum(
        1
        for p in parts
        if p.behind or p.carriers_open or p.incomplete or p.waiting_production or p.old_flags or p.at_limit
    )
    text = f"Morning report for {show_date(today)}: {len(parts)} class(es), {needing} need attention."
    blocks: list[Block] = [header(f"Morning report – {show_date(today)}"), context(f"For {scope}.")]
    for part in parts:
        more = [divider(), *class_blocks(part)]
        if len(blocks) + len(more) > MAX_BLOCKS - 1:
            blocks.append(context("More classes than one message holds: see the Home tab for the rest."))
            break
        blocks.extend(more)
    return text, blocks
