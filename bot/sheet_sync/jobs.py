"""The Google Sheet sync's scheduled jobs (housekeeping, planned only when a sheet is configured):
module-level functions with no arguments, each opening its own units of work."""

from __future__ import annotations

import logging

from bot.core.job_context import current
from bot.sheet_sync import pull as sheet_pull
from bot.sheet_sync import push as sheet_push

log = logging.getLogger(__name__)

PUSH_JOB_ID = "sheet:push"
PULL_JOB_ID = "sheet:pull"


def push_sheet() -> None:
    result = sheet_push.push(current())
    if result.sent or result.appended:
        log.info("sheet push: %d cell(s) written, %d row(s) appended", result.sent, len(result.appended))


def pull_sheet() -> None:
    result = sheet_pull.pull(current())
    if result.changed or result.disagreements:
        log.info(
            "sheet pull: %d change(s), %d disagreement(s)", len(result.changed), len(result.disagreements)
        )
