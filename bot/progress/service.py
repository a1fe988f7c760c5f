"""The three-day timeframe: progress agents report, the pace, and who is behind.

A carrier's steps come from the playbook (`timeframe.steps`); reporting a step means every step
before it is done too. `mark_carrier_complete` (the proof-backed completion form) marks them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action, Target
from bot.calendar import class_days
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, people
from bot.core.errors import InvalidInput, NotFound
from bot.core.text import NOTE, escape_line, require_length
from bot.core.timefmt import local
from bot.core.unit_of_work import Work, use_case
from bot.progress import ahip_clock, blocks
from bot.progress.steps import carrier_name, done_steps, mark_of, parse_step, step_label
from bot.progress.types import ClassProgress, ProgressForm, ProgressSaved
from db.models import Cohort, Person, ProgressMark, Role, TimeframeFlag


def report(
    session: Session,
    *,
    agent: Person,
    carrier: str,
    step: str,
    actor: Person,
    now: datetime,
    playbook: Playbook,
) -> ProgressMark:
    """Record that the agent finished `step` of `carrier` (the latest report wins, so a slip can be fixed)."""
    carrier = carrier.lower()
    step = parse_step(playbook, carrier, step)
    if cohorts.enrollment_of(session, agent.id) is None:
        raise NotFound(
            f"{escape_line(agent.name)} is not an agent in an active cohort; nothing was recorded."
        )
    mark = mark_of(session, agent.id, carrier)
    before = mark.step if mark else None
    if mark is None:
        mark = ProgressMark(
            person_id=agent.id,
            carrier_key=carrier,
            step=step,
            complete=False,
            updated_by_id=actor.id,
            updated_at=now,
        )
        session.add(mark)
    else:
        mark.step, mark.updated_by_id, mark.updated_at = step, actor.id, now
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="progress.reported",
        entity="progress_mark",
        entity_id=mark.id,
        at=now,
        details={"person_id": agent.id, "carrier": carrier, "step": step, "before": before},
    )
    return mark


def mark_carrier_complete(
    session: Session, *, agent: Person, carrier_key: str, actor: Person | str, now: datetime
) -> ProgressMark:
    """The proof-backed completion: every step of the carrier is done."""
    actor_person = actor if isinstance(actor, Person) else people.require_person(session, actor)
    carrier_key = carrier_key.lower()
    mark = mark_of(session, agent.id, carrier_key)
    if mark is None:
        mark = ProgressMark(
            person_id=agent.id,
            carrier_key=carrier_key,
            step=None,
            complete=True,
            completed_at=now,
            updated_by_id=actor_person.id,
            updated_at=now,
        )
        session.add(mark)
    elif mark.complete:
        return mark
    else:
        mark.complete, mark.completed_at = True, now
        mark.updated_by_id, mark.updated_at = actor_person.id, now
    session.flush()
    audit.record(
        session,
        actor=actor_person.slack_user_id,
        action="progress.completed",
        entity="progress_mark",
        entity_id=mark.id,
        at=now,
        details={"person_id": agent.id, "carrier": carrier_key},
    )
    return mark


# -- the pace -------------------------------------------------------------------------------------
def training_dates(cohort: Cohort, playbook: Playbook) -> list[date]:
    """The cohort's training days, on its calendar (weekends, holidays and skip dates skipped)."""
    return class_days.dates_of(cohort, playbook)


def window_days(cohort: Cohort, playbook: Playbook) -> float:
    return playbook.timeframe.window_days or float(cohort.days)


def check_day(cohort: Cohort, playbook: Playbook) -> int:
    """The training day at whose end the window closes (3.5 days: the end of day 4). A window
    longer than the cohort closes with its last training day: there is no later day to check on."""
    return min(math.ceil(window_days(cohort, playbook)), cohort.days)


def due_by(playbook: Playbook, day: int, *, last_day: int | None = None) -> list[str]:
    """The 'carrier step' keys due by the end of `day`; everything is due on the window's last day."""
    due: list[str] = []
    for mark in sorted(playbook.timeframe.pace, key=lambda m: m.day):
        if mark.day <= day or (last_day is not None and day >= last_day):
            due.extend(k for k in mark.due if k not in due)
    return due


def all_steps(playbook: Playbook) -> list[str]:
    return due_by(playbook, 10_000)


def missing(
    session: Session, person_id: int, playbook: Playbook, day: int, last_day: int | None = None
) -> list[str]:
    done = done_steps(session, person_id, playbook)
    return [k for k in due_by(playbook, day, last_day=last_day) if k not in done]


def describe(playbook: Playbook, keys: list[str]) -> str:
    return ", ".join(step_label(playbook, *k.split(" ", 1)) for k in keys)


def behind_pace(
    session: Session, cohort: Cohort, playbook: Playbook, day: int
) -> list[tuple[Person, list[str]]]:
    """Agents who have not done what is due by the end of `day`, with what is missing."""
    last = check_day(cohort, playbook)
    found = []
    for agent in cohorts.active_agents(session, cohort.id):
        gap = missing(session, agent.id, playbook, day, last_day=last)
        if gap:
            found.append((agent, gap))
    return found


def overdue(
    cohort: Cohort, playbook: Playbook, now: datetime, done: set[str]
) -> tuple[list[str], int | None]:
    """The steps due by the end of the last finished training day that are not done, and that day."""
    day = _finished_day(cohort, playbook, now)
    if day is None:
        return [], None
    due = due_by(playbook, day, last_day=check_day(cohort, playbook))
    return [k for k in due if k not in done], day


def overdue_text(cohort: Cohort, playbook: Playbook, now: datetime, done: set[str]) -> str | None:
    """ "AHIP module 1, AHIP module 2 (due by the end of day 1)", or None when nothing is late."""
    keys, day = overdue(cohort, playbook, now, done)
    return f"{describe(playbook, keys)} (due by the end of day {day})" if keys else None


def next_step(session: Session, person_id: int, playbook: Playbook) -> str:
    """What the agent should finish next, and by when (App Home shows it)."""
    done = done_steps(session, person_id, playbook)
    for mark in sorted(playbook.timeframe.pace, key=lambda m: m.day):
        for key in mark.due:
            if key not in done:
                return (
                    f"Finish {step_label(playbook, *key.split(' ', 1))} (due by the end of day {mark.day})."
                )
    return "You have finished every step. Well done!"


def summary(session: Session, person_id: int, playbook: Playbook) -> str:
    """'AHIP module 3 · Aetna not started' style line of where the agent is."""
    parts = []
    for carrier in playbook.timeframe.steps:
        mark = mark_of(session, person_id, carrier)
        if mark is not None and mark.complete:
            parts.append(f"{carrier_name(playbook, carrier)} complete (proof)")
        elif mark is not None and mark.step:
            parts.append(step_label(playbook, carrier, mark.step))
        else:
            parts.append(f"{carrier_name(playbook, carrier)} not started")
    return " · ".join(parts)


# -- the window -------------------------------------------------------------------------------------
def flag_of(session: Session, person_id: int, cohort_id: int) -> TimeframeFlag | None:
    return session.scalar(
        select(TimeframeFlag).where(
            TimeframeFlag.person_id == person_id, TimeframeFlag.cohort_id == cohort_id
        )
    )


def excuse(session: Session, *, agent: Person, reason: str, actor: Person, now: datetime) -> TimeframeFlag:
    """The TL records that the agent's delay was outside their control: no timeframe CAP is proposed."""
    reason = require_length(reason, NOTE, "The reason")
    if not reason:
        raise InvalidInput(
            "Say why the delay was outside the agent's control, e.g. "
            "`/progress @agent excuse N-Number arrived late`."
        )
    enrollment = cohorts.enrollment_of(session, agent.id)
    if enrollment is None:
        raise NotFound(
            f"{escape_line(agent.name)} is not an agent in an active cohort; nothing was recorded."
        )
    flag = flag_of(session, agent.id, enrollment.cohort_id)
    if flag is None:
        flag = TimeframeFlag(person_id=agent.id, cohort_id=enrollment.cohort_id)
        session.add(flag)
    flag.excuse, flag.excused_by_id, flag.excused_at = reason, actor.id, now
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="timeframe.excused",
        entity="timeframe_flag",
        entity_id=flag.id,
        at=now,
        details={"person_id": agent.id, "reason": reason},
    )
    return flag


def flag_unfinished(
    session: Session, cohort: Cohort, playbook: Playbook, now: datetime
) -> list[TimeframeFlag]:
    """After the window: a flag for each agent who has not finished (kept once per agent and cohort)."""
    flags = []
    for agent in cohorts.active_agents(session, cohort.id):
        gap = [k for k in all_steps(playbook) if k not in done_steps(session, agent.id, playbook)]
        if not gap:
            continue
        flag = flag_of(session, agent.id, cohort.id)
        if flag is None:
            flag = TimeframeFlag(person_id=agent.id, cohort_id=cohort.id)
            session.add(flag)
        if flag.flagged_at is None:
            flag.flagged_at, flag.missing = now, describe(playbook, gap)
            session.flush()
            audit.record(
                session,
                actor="bot",
                action="timeframe.flagged",
                entity="timeframe_flag",
                entity_id=flag.id,
                at=now,
                details={"person_id": agent.id, "missing": gap},
            )
        flags.append(flag)
    return flags


# -- use cases ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgressInput:
    carrier: str
    step: str
    agent_user_id: str | None = None  # None: the caller's own progress


@use_case
def report_progress(work: Work, data: ProgressInput) -> ProgressSaved:
    """/progress and its form: the agent (or their TL) reports a finished step."""
    if data.agent_user_id is None and work.actor.role != Role.AGENT:
        raise InvalidInput(f"Name the agent first: `/progress @agent {data.carrier} {data.step}`.")
    agent = people.require_agent(work.session, data.agent_user_id or work.actor.slack_user_id)
    actor = work.allow(Action.PROGRESS_REPORT, access.agent_target(work.session, agent))
    people.lock(work.session, agent)  # the steps done and the clock's start are read under it
    mark = report(
        work.session,
        agent=agent,
        carrier=data.carrier,
        step=data.step,
        actor=actor,
        now=work.now,
        playbook=work.playbook,
    )
    ahip_clock.start_if_first(work.session, agent, mark.carrier_key, work.playbook, work.now)
    return ProgressSaved(
        agent_name=agent.name,
        label=step_label(work.playbook, mark.carrier_key, mark.step or ""),
        next_step=next_step(work.session, agent.id, work.playbook),
        own=agent.id == actor.id,
    )


@use_case
def excuse_delay(work: Work, agent_user_id: str, reason: str) -> str:
    """/progress @agent excuse REASON: the delay was outside the agent's control. The agent's name."""
    agent = people.require_agent(work.session, agent_user_id)
    actor = work.allow(Action.PROGRESS_EXCUSE, access.agent_target(work.session, agent))
    people.lock(work.session, agent)  # two excuses at once: one flag row, the last reason kept
    excuse(work.session, agent=agent, reason=reason, actor=actor, now=work.now)
    return agent.name


@use_case
def open_progress(work: Work, channel_id: str) -> ProgressForm | ClassProgress:
    """/progress alone: an agent gets the form; staff see the class of the channel."""
    if work.actor.role != Role.AGENT:
        return _class_progress(work, channel_id)
    work.allow(Action.PROGRESS_REPORT, Target(person=work.actor))
    steps = [
        (f"{carrier} {s.key}", step_label(work.playbook, carrier, s.key))
        for carrier, carrier_steps in work.playbook.timeframe.steps.items()
        for s in carrier_steps
    ]
    done = done_steps(work.session, work.actor.id, work.playbook)
    return ProgressForm(steps, next((key for key, _ in steps if key not in done), None))


@use_case
def class_progress(work: Work, channel_id: str) -> ClassProgress:
    """/progress class: where each agent of the channel's class is, and who is behind pace."""
    return _class_progress(work, channel_id)


def _class_progress(work: Work, channel_id: str) -> ClassProgress:
    cohort = cohorts.for_channel(work.session, channel_id)
    work.allow(Action.PROGRESS_CLASS_READ, access.cohort_target(cohort) if cohort else Target())
    if cohort is None:
        raise NotFound(cohorts.NO_COHORT_HERE)
    day = _finished_day(cohort, work.playbook, work.now)
    rows = []
    for agent in cohorts.active_agents(work.session, cohort.id):
        gap = missing(work.session, agent.id, work.playbook, day) if day else []
        rows.append(
            (agent.name, summary(work.session, agent.id, work.playbook), describe(work.playbook, gap))
        )
    return ClassProgress(cohort.name, rows, day)


def _finished_day(cohort: Cohort, playbook: Playbook, now: datetime) -> int | None:
    """The last finished training day (1-based), whose pace is due; None before the end of day 1."""
    today = local(now, cohort.timezone).date()
    finished = [i + 1 for i, d in enumerate(training_dates(cohort, playbook)) if d < today]
    return finished[-1] if finished else None


@use_case
def flag_window(work: Work, cohort_id: int, day: int) -> int:
    """On the day the window closes: flag every unfinished agent to the TL and the PM, once each,
    with a Final CAP proposed unless the TL excused the delay. The TL's copy has the button that
    schedules the Final CAP's catch-up. How many agents were flagged (0 on other days)."""
    session, playbook = work.session, work.playbook
    cohort = cohorts.by_id(session, cohort_id)
    if day != check_day(cohort, playbook):
        return 0
    flags = flag_unfinished(session, cohort, playbook, work.now)
    agents = {a.id: a for a in cohorts.active_agents(session, cohort.id)}
    catch_up = playbook.catch_up
    for flag in flags:
        agent = agents[flag.person_id]
        text = blocks.window_flag(agent.name, cohort.name, flag.missing or "", flag.excuse, propose=True)
        line = (
            blocks.final_cap_line(catch_up.extra_hours, catch_up.sessions, catch_up.session_hours)
            if catch_up.enabled and not flag.excuse
            else None
        )
        full = f"{text}\n{line}" if line else text
        tl_blocks = blocks.window_flag_blocks(full, agent.slack_user_id, catch_up.sessions) if line else None
        for role, person in (("tl", cohort.tl), ("pm", cohort.pm)):
            work.notify(
                key=f"timeframe:{cohort.id}:{agent.id}:{role}",
                kind="timeframe_flag",
                recipient=person.slack_user_id,
                text=full,
                blocks=tl_blocks if role == "tl" else None,
            )
    return len(flags)
