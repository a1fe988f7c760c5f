"""Certs in the day plan: on January 1 the blocks of the year before lift (bot/certs/block_lift.py)."""

from __future__ import annotations

from bot.certs import block_lift
from bot.core import job_context as runtime
from bot.core.unit_of_work import Caller

LIFT_FUNC = "bot.certs.jobs:lift_blocks"
lift_times = block_lift.lift_times


def lift_blocks(cohort_id: int) -> int:
    """Move the tracker items whose block lifted back to in progress; how many moved."""
    return block_lift.lift_blocks(runtime.current(), Caller.system(), cohort_id)
