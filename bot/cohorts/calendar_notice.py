"""Telling the TL which dates their class skips (holidays, closed dates, skip dates) and its real
last day: at import, at /cohort new, and again whenever the skipped dates change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.calendar import class_days
from bot.cohorts import blocks as cohort_blocks
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core.context import AppContext
from bot.core.unit_of_work import Caller, Work, use_case


@dataclass(frozen=True)
class Notice:
    cohort_name: str
    skipped: list[tuple[date, str]]
    last_day: date
    tl: str

    @property
    def line(self) -> str:
        return cohort_blocks.skipped_line(self.skipped, self.last_day)


def notice_of(ctx: AppContext, cohort_id: int) -> Notice:
    with ctx.db.session() as session:
        return _notice(session, ctx.playbook, cohort_id)


def tell_team_lead(ctx: AppContext, cohort_id: int) -> Notice:
    """DM the TL once per distinct set of skipped dates; nothing when the class skips no weekday."""
    return _tell_team_lead(ctx, Caller.system(), cohort_id)


@use_case
def _tell_team_lead(work: Work, cohort_id: int) -> Notice:
    notice = _notice(work.session, work.playbook, cohort_id)
    if notice.skipped:
        fingerprint = ",".join(f"{d.isoformat()}" for d, _ in notice.skipped) + f">{notice.last_day}"
        digest = hashlib.sha1(fingerprint.encode()).hexdigest()[:12]
        text, blocks = cohort_blocks.calendar_notice(notice.cohort_name, notice.skipped, notice.last_day)
        work.notify(
            key=f"calendar:{cohort_id}:{digest}",
            kind="calendar",
            recipient=notice.tl,
            text=text,
            blocks=blocks,
        )
    return notice


def _notice(session: Session, playbook: Playbook, cohort_id: int) -> Notice:
    cohort = cohorts.by_id(session, cohort_id)
    dates = class_days.dates_of(cohort, playbook)
    return Notice(cohort.name, class_days.skipped(cohort, playbook), dates[-1], cohort.tl.slack_user_id)
