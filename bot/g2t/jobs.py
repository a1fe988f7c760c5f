"""GoTo Training in the day plan. Every job does nothing for a cohort that carries its
own training_link, or when the bot is not connected to GoTo.

- START_LINK_EVE / START_LINK: the organizer's start link to the TL the day before day 1 and
  each morning (once each: outbox keys).
- ATTENDANCE: after each day, the attendee report (retried by `sync` while GoTo has none).
- `sync` (housekeeping, every few minutes): cohorts GoTo is behind on (a registration GoTo was
  down for, a moved schedule, an agent added or removed), start links GoTo could not give in
  time, and attendee reports still pending.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.core import job_context as runtime
from bot.g2t import attendance as g2t_attendance
from bot.g2t import links as g2t_links
from bot.g2t import tokens as g2t_tokens
from bot.g2t import training as g2t_training
from scheduler.daily_job import DailyJob

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import AppContext

log = logging.getLogger(__name__)

SYNC_SECONDS = 300

START_LINK_EVE = DailyJob(
    name="g2t-start-eve", func="bot.g2t.jobs:start_link_eve", anchor="day_start", offset_minutes=-24 * 60
)
START_LINK = DailyJob(
    name="g2t-start",
    func="bot.g2t.jobs:start_link",
    anchor="day_start",
    offset_minutes=lambda playbook: -playbook.g2t.start_link_minutes_before,
)
ATTENDANCE = DailyJob(
    name="g2t-attendance",
    func="bot.g2t.jobs:attendance_report",
    anchor="day_end",
    offset_minutes=lambda playbook: playbook.g2t.report_first_try_minutes,
)


def start_link_eve(cohort_id: int, day: int) -> None:
    if day == 1:
        g2t_training.send_start_link(runtime.current(), cohort_id, day, eve=True)


def start_link(cohort_id: int, day: int) -> None:
    g2t_training.send_start_link(runtime.current(), cohort_id, day, eve=False)


def attendance_report(cohort_id: int, day: int) -> None:
    g2t_attendance.begin(runtime.current(), cohort_id, day)


def sync() -> None:
    ctx = runtime.current()
    if not g2t_tokens.configured(ctx.settings):
        return
    with ctx.db.session() as session:
        if not g2t_tokens.is_connected(session):
            return
        behind = g2t_training.cohorts_behind(session, ctx.playbook, ctx.clock.now())
    for cohort_id in behind:
        try:
            g2t_links.deliver_links(ctx, cohort_id)
        except Exception:  # noqa: BLE001 - one cohort's trouble must not stop the others
            log.exception("G2T sync of cohort %s failed", cohort_id)
    g2t_training.send_due_start_links(ctx)
    g2t_attendance.fetch_due(ctx)


def report_pending(session: Session, ctx: AppContext, cohort_id: int, day: int) -> list[dict[str, Any]]:
    return g2t_attendance.end_of_day_note(session, ctx, cohort_id, day)


def send_g2t_links(cohort_id: int) -> None:
    """The class's G2T link DMs, 24 hours ahead (or at once when the class was created later)."""
    g2t_links.deliver_links(runtime.current(), cohort_id)
