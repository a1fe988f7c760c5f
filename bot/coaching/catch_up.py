"""The Final CAP's catch-up: an agent flagged after the window gets the playbook's extra hours in
catch-up sessions on the next business days, at times the TL confirms in a form. The agent and
the TL get the sessions by DM. When the extra hours end (`end_times`), the timeframe decides
whether the agent is done (bot/progress/clock_checks.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from bot.access import targets as access
from bot.access.policy import Action
from bot.calendar import class_days
from bot.calendar.dayplan import at, business_days
from bot.coaching import catch_up_blocks as blocks
from bot.coaching.types import CatchUpForm, Scheduled
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, people
from bot.core.errors import Conflict, InvalidInput
from bot.core.text import escape_line
from bot.core.timefmt import local, show, show_date
from bot.core.unit_of_work import Work, use_case
from bot.slack.parsing import picked_date
from db.models import CatchUpSession, Cohort, Person

# Catch-up sessions are weeks away at most; a date past this is a slip (or a forged payload).
CATCH_UP_HORIZON = timedelta(days=366)


def sessions_of(session: Session, person_id: int, cohort_id: int) -> list[CatchUpSession]:
    stmt = (
        select(CatchUpSession)
        .where(CatchUpSession.person_id == person_id, CatchUpSession.cohort_id == cohort_id)
        .order_by(CatchUpSession.number)
    )
    return list(session.scalars(stmt))


def end_of_extra_hours(sessions: list[CatchUpSession], extra_hours: float) -> datetime | None:
    """When the extra hours are spent, counting session time only (the last session's end at most)."""
    left = extra_hours * 60
    for row in sessions:
        length = (row.ends_at - row.starts_at).total_seconds() / 60
        if length >= left:
            return row.starts_at + timedelta(minutes=left)
        left -= length
    return sessions[-1].ends_at if sessions else None


def end_times(cohort: Cohort, playbook: Playbook) -> list[datetime]:
    """When the day plan checks the cohort's catch-ups: each agent's end of the extra hours."""
    session = object_session(cohort)
    if session is None or not playbook.catch_up.enabled:
        return []
    rows = session.scalars(
        select(CatchUpSession).where(CatchUpSession.cohort_id == cohort.id).order_by(CatchUpSession.number)
    )
    by_agent: dict[int, list[CatchUpSession]] = {}
    for row in rows:
        by_agent.setdefault(row.person_id, []).append(row)
    ends = [end_of_extra_hours(s, playbook.catch_up.extra_hours) for s in by_agent.values()]
    return sorted({e for e in ends if e is not None})


# -- use cases ----------------------------------------------------------------------------------------
@use_case
def catch_up_form(work: Work, agent_user_id: str) -> CatchUpForm:
    """The form's proposal: the sessions on the next business days at the playbook's start time."""
    session, playbook = work.session, work.playbook
    agent = people.require_agent(session, agent_user_id)
    work.allow(Action.CATCHUP_SCHEDULE, access.agent_target(session, agent))
    cohort = _cohort(session, agent)
    policy = playbook.catch_up
    today = local(work.now, cohort.timezone).date()
    # The next days the class calendar has open: no session on a holiday.
    days = business_days(today + timedelta(days=1), policy.sessions, class_days.calendar_of(cohort, playbook))
    return CatchUpForm(
        agent=agent.slack_user_id,
        agent_name=agent.name,
        extra_hours=policy.extra_hours,
        session_hours=policy.session_hours,
        sessions=[(d.isoformat(), f"{policy.default_start:%H:%M}") for d in days],
    )


@use_case
def schedule_catch_up(work: Work, agent_user_id: str, picked: list[tuple[str, str]]) -> Scheduled:
    """Save the sessions the TL confirmed and DM them to the agent and the TL. Problems name the
    field (`date_N`, `time_N`); nothing is written unless every session is right."""
    session, playbook, now = work.session, work.playbook, work.now
    agent = people.require_agent(session, agent_user_id)
    actor = work.allow(Action.CATCHUP_SCHEDULE, access.agent_target(session, agent))
    cohort = _cohort(session, agent)
    policy = playbook.catch_up
    people.lock(session, agent)
    if sessions_of(session, agent.id, cohort.id):
        raise Conflict(
            f"{escape_line(agent.name)}'s catch-up sessions are already scheduled. Nothing changed."
        )
    starts: list[datetime] = []
    today = local(now, cohort.timezone).date()
    for number, (raw_day, raw_time) in enumerate(picked[: policy.sessions], start=1):
        day = picked_date(raw_day, earliest=date.min, latest=date.max)
        if day is None:
            raise InvalidInput(f"Pick the day of session {number}.", field=f"date_{number}")
        if not today <= day <= today + CATCH_UP_HORIZON:
            raise InvalidInput(
                f"Session {number} is on {show_date(day)}: pick a day from today to "
                f"{show_date(today + CATCH_UP_HORIZON)}.",
                field=f"date_{number}",
            )
        try:
            wall = time.fromisoformat(raw_time) if len(raw_time) == 5 else None
        except ValueError:
            wall = None
        if wall is None:
            raise InvalidInput(f"Pick the start time of session {number}.", field=f"time_{number}")
        begins = at(day, wall, cohort.timezone)
        if begins <= now:
            raise InvalidInput(f"Session {number} would start in the past.", field=f"date_{number}")
        if starts and begins < starts[-1] + timedelta(hours=policy.session_hours):
            raise InvalidInput(
                f"Session {number} starts before session {number - 1} ends.", field=f"date_{number}"
            )
        starts.append(begins)
    if len(starts) != policy.sessions:
        raise InvalidInput(f"Pick all {policy.sessions} sessions.", field="date_1")
    lines = []
    for number, begins in enumerate(starts, start=1):
        ends = begins + timedelta(hours=policy.session_hours)
        session.add(
            CatchUpSession(
                person_id=agent.id,
                cohort_id=cohort.id,
                number=number,
                starts_at=begins,
                ends_at=ends,
                scheduled_by_id=actor.id,
                scheduled_at=now,
            )
        )
        lines.append(f"Session {number}: {show(begins, cohort.timezone)} to {show(ends, cohort.timezone)}")
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="catchup.scheduled",
        entity="person",
        entity_id=agent.id,
        at=now,
        details={"cohort_id": cohort.id, "starts": [s.isoformat() for s in starts]},
    )
    for role, person in (("agent", agent), ("tl", cohort.tl)):
        text = blocks.sessions_text(agent.name, policy.extra_hours, lines, own=role == "agent")
        work.notify(
            key=f"catchup:{cohort.id}:{agent.id}:{role}",
            kind="catchup",
            recipient=person.slack_user_id,
            text=text,
        )
    return Scheduled(agent.name, lines)


def _cohort(session: Session, agent: Person) -> Cohort:
    enrollment = cohorts.enrollment_of(session, agent.id)
    if enrollment is None:
        raise InvalidInput(f"{escape_line(agent.name)} is not an agent in an active cohort. Nothing changed.")
    return enrollment.cohort
