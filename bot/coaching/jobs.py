"""Coaching's scheduled job: CAPs the agent has not acknowledged in time, named to their TL."""

from __future__ import annotations

from bot.coaching import acknowledgement
from bot.core.job_context import current
from bot.core.unit_of_work import Caller

UNACKNOWLEDGED_FUNC = "bot.coaching.jobs:name_unacknowledged_caps"
UNACKNOWLEDGED_JOB_ID = "coaching:cap-unacknowledged"


def name_unacknowledged_caps() -> None:
    ctx = current()
    acknowledgement.name_unacknowledged(ctx, Caller.system())
