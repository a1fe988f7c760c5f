"""What follows a cohort change: re-plan its days (only the future) and send a late G2T link at once."""

from __future__ import annotations

import logging

from bot.context import AppContext
from scheduler import jobs, runner

log = logging.getLogger(__name__)


def wire(ctx: AppContext) -> None:
    ctx.hooks.cohort_saved.append(lambda cohort_id: cohort_saved(ctx, cohort_id))
    ctx.hooks.agent_enrolled.append(lambda cohort_id, person_id: agent_enrolled(ctx, cohort_id, person_id))


def cohort_saved(ctx: AppContext, cohort_id: int) -> None:
    active = runner.active()
    if active is not None:
        active.reconcile(cohort_id)
    # Created (or moved) with less than the lead time left: the links go now.
    jobs.deliver_links(ctx, cohort_id)


def agent_enrolled(ctx: AppContext, cohort_id: int, person_id: int) -> None:
    jobs.deliver_links(ctx, cohort_id, [person_id])
