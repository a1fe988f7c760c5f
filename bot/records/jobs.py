"""The records' daily job: retention (personal fields, then HR records' texts, of agents who left)."""

from __future__ import annotations

from bot.core.job_context import current
from bot.core.unit_of_work import Caller
from bot.records import retention

RETENTION_FUNC = "bot.records.jobs:apply_retention"
RETENTION_JOB_ID = "records:retention"


def apply_retention() -> None:
    ctx = current()
    retention.apply_retention(ctx, Caller.system())
