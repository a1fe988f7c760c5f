"""The TL's end-of-day summary: one message per class day, and a card that changes. A code decided
after the day ended (set by hand, an MIA excused, an "I was there" accepted) shows in the summary
already sent, in place: only its attendance part is rebuilt, the other features' sections stay."""

from __future__ import annotations

from typing import Any

from bot.class_day import attendance
from bot.class_day import blocks as day_blocks
from bot.class_day.types import AgentDay
from bot.cohorts import service as cohorts
from bot.core import budget
from bot.core.unit_of_work import Work, use_case
from db.models import Cohort

# Where the attendance part of the summary ends (the other features' sections follow it).
CODES_END = "eod.codes.end"


def summary_key(cohort_id: int, day: int) -> str:
    return f"eod:{cohort_id}:day:{day}:tl"


def codes_part(work: Work, cohort: Cohort, day: int) -> tuple[str, list[dict[str, Any]]]:
    """The day's table with its codes as they stand, and the note on changing one."""
    times = attendance.day_of(cohort, work.playbook, day)
    rows = attendance.day_table(work.session, work.playbook, cohort, day)
    text, blocks = day_blocks.end_of_day(cohort.name, times, rows, cohort.tl.timezone)
    blocks[-1] = {**blocks[-1], "block_id": CODES_END}
    return text, blocks


def refresh(work: Work, cohort_id: int, day: int) -> bool:
    """Show the day's codes as they stand now in its summary, if one was written; False if none."""
    key = summary_key(cohort_id, day)
    written = budget.shown(work.session, key)
    if written is None:
        return False
    cohort = cohorts.by_id(work.session, cohort_id)
    text, codes = codes_part(work, cohort, day)
    work.revise(key=key, text=text, blocks=(codes + _sections_after_codes(written[1] or [], len(codes)))[:50])
    return True


def _sections_after_codes(blocks: list[dict[str, Any]], fallback: int) -> list[dict[str, Any]]:
    """The other features' sections of a summary already written: what follows its codes."""
    for index, block in enumerate(blocks):
        if block.get("block_id") == CODES_END:
            return blocks[index + 1 :]
    # A summary written before its codes were marked: the table's note closes them.
    for index, block in enumerate(blocks):
        if block.get("type") == "context" and "/attendance set" in str(block.get("elements")):
            return blocks[index + 1 :]
    return blocks[fallback:]


@use_case
def change_code(work: Work, change: attendance.CodeChange) -> AgentDay:
    """/attendance set @agent DAY CODE reason: the code, and the day's summary shows it in place."""
    cohort, row = attendance.apply_code_change(work, change)
    refresh(work, cohort.id, row.day)
    return row
