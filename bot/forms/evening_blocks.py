"""The TL's evening checklist DM (and its one reminder)."""

from __future__ import annotations

from bot.core.text import escape_line
from bot.slack.blocks import Block, context, header, pack_lines, section

MAX_MESSAGE_BLOCKS = 50


def checklist(
    *,
    cohort_name: str,
    day: int,
    date_text: str,
    missing_forms: list[tuple[str, list[str]]],
    stale_tracker: list[str],
    open_flags: list[str],
    reminder: bool,
) -> tuple[str, list[Block]]:
    count = len(missing_forms) + len(stale_tracker) + len(open_flags)
    title = (
        f"Reminder: {count} still open for {escape_line(cohort_name)}"
        if reminder
        else f"Before you log off: day {day} checklist for {escape_line(cohort_name)}"
    )
    text = f"{title} ({date_text}): {count} item(s) to finish."
    blocks: list[Block] = [header(title[:150])]
    intro = (
        "These are still open from the checklist I sent 30 minutes ago."
        if reminder
        else "Every ticket must be submitted through the forms and the ESP tracker up to date before you log off."
    )
    blocks.append(context(f"Day {day} · {date_text} · {intro}"))
    sections: list[tuple[str, list[str]]] = []
    if missing_forms:
        sections.append(
            (
                f"*Forms expected today and not submitted* ({len(missing_forms)} agents)",
                [f"• {escape_line(name)}: {', '.join(forms)}" for name, forms in missing_forms],
            )
        )
    if stale_tracker:
        sections.append(
            (
                f"*ESP tracker not updated today* ({len(stale_tracker)} agents)",
                [f"• {escape_line(name)}" for name in stale_tracker],
            )
        )
    if open_flags:
        sections.append((f"*Open red flags* ({len(open_flags)})", [f"• {line}" for line in open_flags]))
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    for title_line, lines in sections:
        chunks = pack_lines([title_line, *lines])
        take = max(1, room // max(1, len(sections)))
        blocks += [section(c) for c in chunks[:take]]
        if len(chunks) > take:
            blocks.append(context("…and more; the tracker export lists everyone."))
    blocks.append(context("Use `/forms` for the forms and `/esp @agent item=status` for the tracker."))
    return text, blocks[:MAX_MESSAGE_BLOCKS]
