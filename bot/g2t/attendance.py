"""Attendance from the G2T: after each training day, GoTo's attendee report for that day's
session(s), kept per agent as first join, last leave, minutes present and gaps (g2t_presence).

GoTo publishes a report only some time after the session ended, so a missing one is retried with
backoff (15, 30, 60 minutes, then hourly) until the playbook's `g2t.report_retry_hours`. When it
arrives, the TL gets the day's attendance again with the G2T minutes and the codes proposed from
them; when it never does, the TL hears that once and the codes stay those from Slack.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar.dayplan import DayTimes
from bot.class_day import attendance
from bot.class_day import presence as g2t_presence
from bot.cohorts import service as cohorts
from bot.core.context import AppContext
from bot.core.text import escape_line
from bot.core.timefmt import local
from bot.core.unit_of_work import Caller, Work, use_case
from bot.g2t import blocks as g2t_blocks
from bot.g2t import tokens as g2t_tokens
from bot.g2t import training as g2t_training
from bot.g2t.client import Attendee
from bot.g2t.errors import G2TError
from bot.slack.blocks import context
from db.models import G2TPresence, G2TReport
from db.models.g2t_presence import DONE, GAVE_UP, PENDING
from db.models.g2t_registration import REGISTERED

log = logging.getLogger(__name__)


class ReportNotReady(Exception):
    """GoTo has no completed session for that day yet."""


def _report(session: Session, cohort_id: int, day: int) -> G2TReport | None:
    return session.scalar(select(G2TReport).where(G2TReport.cohort_id == cohort_id, G2TReport.day == day))


def begin(ctx: AppContext, cohort_id: int, day: int) -> None:
    """After a training day: note the report as wanted, and try at once."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        training = g2t_training.training_of(session, cohort_id)
        if not g2t_training.managed(cohort) or training is None or training.training_key is None:
            return
        if day not in attendance.days_held(session, cohort_id) or _report(session, cohort_id, day):
            return
        session.add(G2TReport(cohort_id=cohort_id, day=day, state=PENDING, attempts=0, next_try_at=now))
        session.flush()
    fetch(ctx, cohort_id, day)


def due(session: Session, now: datetime) -> list[tuple[int, int]]:
    rows = session.scalars(select(G2TReport).where(G2TReport.state == PENDING, G2TReport.next_try_at <= now))
    return [(r.cohort_id, r.day) for r in rows]


def fetch_due(ctx: AppContext) -> None:
    with ctx.db.session() as session:
        wanted = due(session, ctx.clock.now())
    for cohort_id, day in wanted:
        fetch(ctx, cohort_id, day)


def fetch(ctx: AppContext, cohort_id: int, day_no: int) -> bool:
    """One try; True when the report was stored."""
    api = g2t_tokens.client_for(ctx)
    if api is None:
        return False
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        day = attendance.day_of(cohort, ctx.playbook, day_no)
        training = g2t_training.training_of(session, cohort_id)
        key = training.training_key if training else None
        people = {
            (r.email or "").lower(): pid
            for pid, r in g2t_training.registrations(session, cohort_id).items()
            if r.state == REGISTERED
        }
    if key is None:
        return False
    try:
        try:
            found = [s for s in api.sessions(key) if local(s.start, day.timezone).date() == day.date]
            if not found:
                raise ReportNotReady
            attendees = [a for s in found for a in api.attendees(s.session_key)]
        finally:
            api.close()
    except (G2TError, ReportNotReady) as exc:
        message = exc.message if isinstance(exc, G2TError) else "no report yet"
        _retry_later(ctx, Caller.system(), cohort_id, day, message)
        return False
    _keep_report(ctx, Caller.system(), cohort_id, day, people, attendees)
    return True


@use_case
def _retry_later(work: Work, cohort_id: int, day: DayTimes, message: str) -> None:
    """No report yet: try again with backoff; past the playbook's hours, give up and tell the TL once."""
    hours = work.playbook.g2t.report_retry_hours
    give_up = work.now >= day.end + timedelta(hours=hours)
    row = _report(work.session, cohort_id, day.number)
    if row is None:
        return
    row.attempts += 1
    row.last_error = message[:500]
    row.next_try_at = work.now + timedelta(minutes=min(60, 15 * 2 ** (row.attempts - 1)))
    if give_up:
        row.state = GAVE_UP
    cohort = cohorts.by_id(work.session, cohort_id)
    log.info("G2T report for cohort %s day %s: %s (attempt %s)", cohort_id, day.number, message, row.attempts)
    if give_up:
        work.notify(
            key=f"g2t-eod:{cohort_id}:day:{day.number}:none",
            kind="g2t_report_missing",
            recipient=cohort.tl.slack_user_id,
            text=(
                f"{escape_line(cohort.name)}, day {day.number}: GoTo Training gave me no attendee report in {hours:g} hours "
                f"({message}). The day's codes stay the ones proposed from Slack check-ins."
            ),
        )


@use_case
def _keep_report(
    work: Work, cohort_id: int, day: DayTimes, people: dict[str, int], attendees: list[Attendee]
) -> None:
    """Each registered agent's presence from the report, the report marked done, and the TL's
    attendance for the day again, now with G2T minutes and the codes from them."""
    session, now = work.session, work.now
    parts: dict[int, list[tuple[datetime, datetime]]] = {pid: [] for pid in people.values()}
    for attendee in attendees:
        person_id = people.get(attendee.email.lower())
        if person_id is not None:
            parts[person_id].extend((t.join, t.leave) for t in attendee.in_session_times)
    for person_id, spans in parts.items():
        real = g2t_presence.presence(day, spans, work.playbook.g2t.gap_minutes)
        row = session.scalar(
            select(G2TPresence).where(
                G2TPresence.cohort_id == cohort_id,
                G2TPresence.day == day.number,
                G2TPresence.person_id == person_id,
            )
        )
        if row is None:
            row = G2TPresence(cohort_id=cohort_id, person_id=person_id, day=day.number)
            session.add(row)
        row.first_join, row.last_leave = real.first_join, real.last_leave
        row.minutes, row.missed_minutes = real.minutes, real.missed_minutes
        row.gaps = [[s.isoformat(), e.isoformat()] for s, e in real.gaps]
        row.fetched_at = now
    report = _report(session, cohort_id, day.number)
    if report is not None:
        report.state, report.fetched_at, report.last_error = DONE, now, None
    session.flush()
    cohort = cohorts.by_id(session, cohort_id)
    times = attendance.day_of(cohort, work.playbook, day.number)
    rows = attendance.day_table(session, work.playbook, cohort, day.number)
    text, blocks = g2t_blocks.end_of_day(cohort.name, times, rows)
    work.notify(
        key=f"g2t-eod:{cohort_id}:day:{day.number}:tl",
        kind="g2t_end_of_day",
        recipient=cohort.tl.slack_user_id,
        text=text,
        blocks=blocks[:50],
    )


def end_of_day_note(session: Session, ctx: AppContext, cohort_id: int, day: int) -> list[dict[str, object]]:
    """A line of the end-of-day DM: the G2T minutes follow once GoTo publishes the report."""
    cohort = cohorts.by_id(session, cohort_id)
    training = g2t_training.training_of(session, cohort_id)
    if not g2t_training.managed(cohort) or training is None or training.training_key is None:
        return []
    report = _report(session, cohort_id, day)
    if report is not None and report.state == DONE:
        return []
    return [
        context(
            ":hourglass: GoTo Training publishes the session's attendee report a little after the session "
            "ends: I send this table again with everyone's minutes in the session as soon as it is there."
        )
    ]
