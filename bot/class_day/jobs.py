"""The class day's scheduled jobs: prompts, marks and checks. Module-level functions taking only IDs;
the checks and the TL's alerts are use cases (bot/class_day/alerts.py).

Each one is safe to run again: prompts and DMs go through the outbox with deterministic keys and
marks are unique, so a job the store re-created after a restart repeats nothing. A channel prompt
whose moment passed more than the playbook's grace ago is skipped and logged, never posted late.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError

from bot.calendar.dayplan import DayTimes
from bot.class_day import alerts, attendance
from bot.class_day import blocks as day_blocks
from bot.cohorts import service as cohorts
from bot.core import outbox
from bot.core.context import AppContext
from bot.core.job_context import current
from bot.core.unit_of_work import Caller
from db.models.day_prompt import LOWER, MORNING, RAISE
from scheduler.daily_job import EndOfDaySection

log = logging.getLogger(__name__)


# -- channel prompts --------------------------------------------------------------------------
def morning_post(cohort_id: int, day: int) -> None:
    ctx = current()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        times = attendance.day_of(cohort, ctx.playbook, day)
        text, blocks = day_blocks.morning_post(cohort.name, times, cohort.days, ctx.playbook)
        channel = cohort.channel_id
    outcome = _post_prompt(ctx, cohort_id, times, MORNING, 0, times.start, channel, text, blocks)
    if outcome is not None and outcome.sent and outcome.ts:
        try:
            ctx.client.pins_add(channel=channel, timestamp=outcome.ts)
        except SlackApiError as exc:
            log.warning("could not pin the morning post in %s: %s", channel, exc.response.get("error"))


def raise_prompt(cohort_id: int, day: int, break_no: int) -> None:
    _break_prompt(cohort_id, day, break_no, RAISE)


def lower_prompt(cohort_id: int, day: int, break_no: int) -> None:
    _break_prompt(cohort_id, day, break_no, LOWER)


def _break_prompt(cohort_id: int, day: int, break_no: int, kind: str) -> None:
    """The raise-hand prompt before a break, or the back-from-break prompt at its end."""
    ctx = current()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        times = attendance.day_of(cohort, ctx.playbook, day)
        channel = cohort.channel_id
    if break_no > len(times.breaks):  # the schedule lost a break since this job was planned
        return
    spot = times.break_no(break_no)
    if kind == RAISE:
        text, blocks = day_blocks.raise_prompt(times, break_no, ctx.playbook)
        planned = spot.raise_at(ctx.playbook.attendance)
    else:
        text, blocks = day_blocks.lower_prompt(times, break_no, ctx.playbook)
        planned = spot.end
    _post_prompt(ctx, cohort_id, times, kind, break_no, planned, channel, text, blocks)


def _post_prompt(
    ctx: AppContext,
    cohort_id: int,
    day: DayTimes,
    kind: str,
    break_no: int,
    planned: datetime,
    channel: str,
    text: str,
    blocks: list[dict[str, object]],
) -> outbox.Outcome | None:
    now = ctx.clock.now()
    key = attendance.prompt_key(cohort_id, day.number, kind, break_no)
    grace = timedelta(minutes=ctx.playbook.attendance.late_prompt_grace_minutes)
    if now > planned + grace:
        log.warning(
            "skipped %s: planned for %s, now %s is past its %s grace",
            key,
            planned.isoformat(),
            now.isoformat(),
            grace,
        )
        return None
    if now < planned - timedelta(minutes=1):
        log.info("skipped %s: planned for %s, not due yet (the schedule changed)", key, planned.isoformat())
        return None
    with ctx.db.session() as session:
        attendance.record_prompt(
            session, cohort_id=cohort_id, day=day.number, kind=kind, break_no=break_no, now=now
        )
    outcome = outbox.send_once(
        ctx.db,
        ctx.client,
        key=key,
        kind=f"prompt.{kind}",
        recipient=channel,
        text=text,
        blocks=blocks,
        now=now,
        expires_at=planned + grace,
    )
    if outcome.ts:
        # A reaction that reached another replica before this post's ts was recorded counts now.
        with ctx.db.session() as session:
            attendance.apply_early(session, ctx.playbook, ctx.clock.now(), [channel])
    if outcome.error in alerts.CHANNEL_PROBLEMS:
        alerts.channel_problem(ctx, Caller.system(), cohort_id, channel, outcome.error)
    return outcome


# -- checks and alerts ------------------------------------------------------------------------
def mark_tardy(cohort_id: int, day: int) -> None:
    alerts.tardy_check(current(), Caller.system(), cohort_id, day)


def mark_absent(cohort_id: int, day: int) -> None:
    alerts.absent_check(current(), Caller.system(), cohort_id, day)


def check_break(cohort_id: int, day: int, break_no: int) -> None:
    alerts.break_check(current(), Caller.system(), cohort_id, day, break_no)


def end_of_day(cohort_id: int, day: int, sections: Sequence[EndOfDaySection] = ()) -> None:
    """The TL's end-of-day DM: the day's table, then each feature's section the engine lists."""
    alerts.end_of_day_report(current(), Caller.system(), cohort_id, day, sections)
