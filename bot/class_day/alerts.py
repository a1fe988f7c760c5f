"""What the TL hears as the class day goes: who is tardy, who went MIA at a break, the day's table
at its end, and a channel the prompts cannot reach. Each is a use case the day's jobs call with
IDs: the marks and the TL's message are written in one unit of work, and the message goes out
after the commit, once per key (a job run again repeats nothing)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from bot.class_day import attendance, claims, day_summary
from bot.class_day import blocks as day_blocks
from bot.class_day.types import MiaResolved
from bot.cohorts import service as cohorts
from bot.core import budget
from bot.core.text import escape_line
from bot.core.unit_of_work import Work, use_case
from db.models.attendance_flag import OPEN, TARDY
from scheduler.daily_job import EndOfDaySection

log = logging.getLogger(__name__)


@use_case
def tardy_check(work: Work, cohort_id: int, day: int) -> None:
    """At start plus grace: mark who has not checked in tardy and tell the TL who."""
    cohort = cohorts.by_id(work.session, cohort_id)
    if not _day_held(work.session, cohort_id, day):
        return
    missing = attendance.mark_tardy(work.session, work.playbook, cohort, day, work.now)
    if not missing:
        return
    claims.tell_agents(work, cohort, attendance.flags_of_day(work.session, cohort_id, day, TARDY))
    times = attendance.day_of(cohort, work.playbook, day)
    text, blocks = day_blocks.tardy_alert(cohort.name, times, [p.name for p in missing], cohort.tl.timezone)
    work.notify(
        key=f"tardy:{cohort_id}:day:{day}:tl",
        kind="tardy_alert",
        recipient=cohort.tl.slack_user_id,
        text=text,
        blocks=blocks,
    )


@use_case
def absent_check(work: Work, cohort_id: int, day: int) -> None:
    """At the first break: who has still not checked in is marked absent (the TL's table shows it)."""
    cohort = cohorts.by_id(work.session, cohort_id)
    if _day_held(work.session, cohort_id, day):
        attendance.mark_absent(work.session, work.playbook, cohort, day, work.now)


@use_case
def break_check(work: Work, cohort_id: int, day: int, break_no: int) -> None:
    """At break end plus grace: mark who missed the raise or the lower MIA and tell the TL, with
    the buttons to excuse them or mark them present."""
    cohort = cohorts.by_id(work.session, cohort_id)
    if not _day_held(work.session, cohort_id, day):
        return
    flags = attendance.check_break(work.session, work.playbook, cohort, day, break_no, work.now)
    if not flags:
        return
    claims.tell_agents(work, cohort, flags)
    times = attendance.day_of(cohort, work.playbook, day)
    agents = [(f.id, f.person.name) for f in flags]
    text, blocks = day_blocks.mia_alert(cohort.name, times, break_no, agents, cohort.tl.timezone)
    work.notify(
        key=mia_key(cohort_id, day, break_no),
        kind="mia_alert",
        recipient=cohort.tl.slack_user_id,
        text=text,
        blocks=blocks,
    )


def mia_key(cohort_id: int, day: int, break_no: int) -> str:
    return f"mia:{cohort_id}:day:{day}:break:{break_no}:tl"


@use_case
def resolve_mia(work: Work, data: attendance.MiaDecision) -> MiaResolved:
    """The reason modal: excuse the mark or mark the agent present, once. The MIA card (or its
    digest line) changes in place: that agent loses the buttons and shows who decided, and when."""
    flag = attendance.decide_mia(work, data)
    result = MiaResolved(data.decision, flag.person.name, flag.day, flag.break_no, flag.reason or "")
    # Decided after the day ended: its summary shows the code the decision gives, in place.
    day_summary.refresh(work, flag.cohort_id, flag.day)
    key = mia_key(flag.cohort_id, flag.day, flag.break_no)
    if not budget.written(work.session, key):
        return result  # no card to change (a mark set by hand)
    cohort = cohorts.by_id(work.session, flag.cohort_id)
    times = attendance.day_of(cohort, work.playbook, flag.day)
    flags = attendance.break_flags(work.session, cohort.id, flag.day, flag.break_no)
    decided = {
        f.id: day_blocks.Decision(f.status, f.resolved_by.slack_user_id, f.resolved_at)
        for f in flags
        if f.status != OPEN and f.resolved_by is not None and f.resolved_at is not None
    }
    text, blocks = day_blocks.mia_alert(
        cohort.name, times, flag.break_no, [(f.id, f.person.name) for f in flags], cohort.tl.timezone, decided
    )
    work.revise(key=key, text=text, blocks=blocks)
    return result


@use_case
def end_of_day_report(work: Work, cohort_id: int, day: int, sections: Sequence[EndOfDaySection]) -> None:
    """The TL's end-of-day DM: the day's table, then each feature's section the engine lists."""
    cohort = cohorts.by_id(work.session, cohort_id)
    if not _day_held(work.session, cohort_id, day):
        return
    attendance.apply_early(work.session, work.playbook, work.now, [cohort.channel_id])
    text, blocks = day_summary.codes_part(work, cohort, day)
    for section in sections:
        try:
            blocks.extend(section(work.session, work.ctx, cohort_id, day))
        except Exception:  # noqa: BLE001 - one broken section must not cost the TL the report
            log.exception("end-of-day section %s failed", getattr(section, "__name__", section))
    work.notify(
        key=day_summary.summary_key(cohort_id, day),
        kind="end_of_day",
        recipient=cohort.tl.slack_user_id,
        text=text,
        blocks=blocks[:50],
    )


# Slack's answers that mean the bot cannot post in the class channel until someone fixes it.
CHANNEL_PROBLEMS = {
    "not_in_channel": "I am not a member of {channel}: invite me with `/invite @Training Day`",
    "channel_not_found": "I cannot find {channel} (a private channel I was not invited to, or "
    "a wrong channel ID in the cohort)",
    "is_archived": "{channel} is archived",
}


@use_case
def channel_problem(work: Work, cohort_id: int, channel: str, error: str) -> None:
    """The class's prompts cannot reach the class: the TL hears once, with what to do."""
    cohort = cohorts.by_id(work.session, cohort_id)
    problem = CHANNEL_PROBLEMS[error].format(channel=f"<#{channel}>")
    work.notify(
        key=f"channel-problem:{cohort_id}:{error}",
        kind="channel_problem",
        recipient=cohort.tl.slack_user_id,
        text=(
            f":warning: *{escape_line(cohort.name)}*: I could not post the class prompts: {problem}. Until then agents "
            "cannot check in or raise hands in the channel."
        ),
    )


def _day_held(session: Session, cohort_id: int, day: int) -> bool:
    """Checks and reports only follow a day whose morning post went out."""
    return day in attendance.days_held(session, cohort_id)
