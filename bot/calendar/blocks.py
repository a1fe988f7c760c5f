"""The class calendar as the TL reads it: the dates skipped and the real last day."""

from __future__ import annotations

from datetime import date

from bot.core.timefmt import show_date
from bot.slack.blocks import Block, section


def skipped_line(skipped: list[tuple[date, str]], last_day: date) -> str:
    if not skipped:
        return f"No holidays or closed dates fall in the class; its last day is {show_date(last_day)}."
    dates = "; ".join(f"{show_date(day)} ({reason})" for day, reason in skipped)
    return f"Skipped (no class): {dates}. The class's last day is *{show_date(last_day)}*."


def calendar_notice(
    cohort_name: str, skipped: list[tuple[date, str]], last_day: date
) -> tuple[str, list[Block]]:
    text = f"{cohort_name}: the calendar skips {len(skipped)} date(s); last day {show_date(last_day)}."
    return text, [
        section(f":calendar: *{cohort_name}* runs on the class calendar.\n{skipped_line(skipped, last_day)}")
    ]
