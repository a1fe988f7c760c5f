"""The class day's scheduled jobs: prompts, marks and checks. Module-level functions taking only IDs,
each opening its own units of work.

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
from bot.class_day import attendance
from bot.class_day import blocks as day_blocks
from bot.cohorts import service as cohorts
from bot.core import outbox
from bot.core.context import AppContext
from bot.core.job_context import current
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
    if outcome.error in CHANNEL_PROBLEMS:
        _tell_tl_about_the_channel(ctx, cohort_id, channel, outcome.error, now)
    return outcome


# Slack's answers that mean the bot cannot post in the class channel until someone fixes it.
CHANNEL_PROBLEMS = {
    "not_in_channel": "I am not a member of {channel}: invite me with `/invite @Training Day`",
    "channel_not_found": "I cannot find {channel} (a private channel I was not invited to, or "
    "a wrong channel ID in the cohort)",
    "is_archived": "{channel} is archived",
}


def _tell_tl_about_the_channel(
    ctx: AppContext, cohort_id: int, channel: str, error: str, now: datetime
) -> None:
    """The class's prompts cannot reach the class: the TL hears once, with what to do."""
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        tl, name = cohort.tl.slack_user_id, cohort.name
    problem = CHANNEL_PROBLEMS[error].format(channel=f"<#{channel}>")
    text = (
        f":warning: *{name}*: I could not post the class prompts: {problem}. Until then agents cannot check "
        f"in or raise hands in the channel."
    )
    outbox.send_once(
        ctx.db,
        ctx.client,
        key=f"channel-problem:{cohort_id}:{error}",
        kind="channel_problem",
        recipient=tl,
        text=text,
        now=now,
    )


# -- checks and alerts ------------------------------------------------------------------------
def mark_tardy(cohort_id: int, day: int) -> None:
    ctx = current()
    now = ctx.clock.now()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        if not _day_held(session, cohort_id, day):
            return
        missing = attendance.mark_tardy(session, ctx.playbook, cohort, day, now)
        names = [p.name for p in missing]
        times = attendance.day_of(cohort, ctx.playbook, day)
        name, tl, tl_zone = cohort.name, cohort.tl.slack_user_id, cohort.tl.timezone
    if names:
        text, blocks = day_blocks.tardy_alert(name, times, names, tl_zone)
        outbox.send_once(
            ctx.db,
            ctx.client,
            key=f"tardy:{cohort_id}:day:{day}:tl",
            kind="tardy_alert",
            recipient=tl,
            text=text,
            blocks=blocks,
            now=now,
        )


def mark_absent(cohort_id: int, day: int) -> None:
    ctx = current()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        if _day_held(session, cohort_id, day):
            attendance.mark_absent(session, ctx.playbook, cohort, day, ctx.clock.now())


def check_break(cohort_id: int, day: int, break_no: int) -> None:
    ctx = current()
    now = ctx.clock.now()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        if not _day_held(session, cohort_id, day):
            return
        flags = attendance.check_break(session, ctx.playbook, cohort, day, break_no, now)
        agents = [(f.id, f.person.name) for f in flags]
        times = attendance.day_of(cohort, ctx.playbook, day)
        name, tl, tl_zone = cohort.name, cohort.tl.slack_user_id, cohort.tl.timezone
    if agents:
        text, blocks = day_blocks.mia_alert(name, times, break_no, agents, tl_zone)
        outbox.send_once(
            ctx.db,
            ctx.client,
            key=f"mia:{cohort_id}:day:{day}:break:{break_no}:tl",
            kind="mia_alert",
            recipient=tl,
            text=text,
            blocks=blocks,
            now=now,
        )


def end_of_day(cohort_id: int, day: int, sections: Sequence[EndOfDaySection] = ()) -> None:
    """The TL's end-of-day DM: the day's table, then each feature's section the engine lists."""
    ctx = current()
    now = ctx.clock.now()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        if not _day_held(session, cohort_id, day):
            return
        times = attendance.day_of(cohort, ctx.playbook, day)
        rows = attendance.day_table(session, ctx.playbook, cohort, day)
        text, blocks = day_blocks.end_of_day(cohort.name, times, rows, cohort.tl.timezone)
        for section in sections:
            try:
                blocks.extend(section(session, ctx, cohort_id, day))
            except Exception:  # noqa: BLE001 - one broken section must not cost the TL the report
                log.exception("end-of-day section %s failed", getattr(section, "__name__", section))
        tl = cohort.tl.slack_user_id
    outbox.send_once(
        ctx.db,
        ctx.client,
        key=f"eod:{cohort_id}:day:{day}:tl",
        kind="end_of_day",
        recipient=tl,
        text=text,
        blocks=blocks[:50],
        now=now,
    )


def _day_held(session, cohort_id: int, day: int) -> bool:  # type: ignore[no-untyped-def]
    """Checks and reports only follow a day whose morning post went out."""
    return day in attendance.days_held(session, cohort_id)
