"""Preparing the G2T: the GoTo training of a cohort that has no training_link, and its registrants.

`sync_cohort` brings GoTo in line with the cohort: the training exists (one session per training
day, start to end, in the cohort's timezone; breaks and lunch in the description), its times
follow the schedule (moved without emailing registrants), every active agent is registered and
every removed one cancelled. It is idempotent and safe to repeat at any moment:

- No unit of work is open during a GoTo call: what to do is read first, each answer is stored as
  soon as it arrives (the registrant key with it), so a crash in between repeats at most one call.
- A registration whose answer was lost gets a 409 the next time; the existing one is adopted
  (bot/integrations/g2t/client.py, register_once). Nobody is registered twice.
- A training whose creation answer was lost is found again by the marker in its description.
- When GoTo is down, the first failure stops the round; the periodic job (scheduler/g2t.py)
  tries again. Nothing is dropped: what is not done stays pending.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar.dayplan import DayTimes
from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import outbox
from bot.core.context import AppContext
from bot.core.timefmt import local
from bot.g2t import blocks as g2t_blocks
from bot.g2t import tokens as g2t_tokens
from bot.g2t.client import G2TClient, iso
from bot.g2t.errors import G2TError
from db.models import Cohort, Enrollment, G2TRegistration, G2TTraining, Person
from db.models.g2t_registration import CANCELLED, NO_EMAIL, PENDING, REGISTERED

log = logging.getLogger(__name__)


def marker(cohort_id: int) -> str:
    return f"[training-day cohort {cohort_id}]"


# -- what the database says ------------------------------------------------------------------
def training_of(session: Session, cohort_id: int) -> G2TTraining | None:
    return session.scalar(select(G2TTraining).where(G2TTraining.cohort_id == cohort_id))


def registrations(session: Session, cohort_id: int) -> dict[int, G2TRegistration]:
    rows = session.scalars(select(G2TRegistration).where(G2TRegistration.cohort_id == cohort_id))
    return {r.person_id: r for r in rows}


def join_urls(session: Session, cohort_id: int) -> dict[int, str]:
    """person id -> their personal join URL, for the registered agents."""
    return {
        pid: r.join_url
        for pid, r in registrations(session, cohort_id).items()
        if r.state == REGISTERED and r.join_url
    }


def managed(cohort: Cohort) -> bool:
    """The bot makes this cohort's training (no hand-made link in the cohort)."""
    return not cohort.training_link


def session_times(days: list[DayTimes]) -> list[tuple[datetime, datetime]]:
    return [(d.start, d.end) for d in days]


def _times_json(times: list[tuple[datetime, datetime]]) -> str:
    return json.dumps([[iso(s), iso(e)] for s, e in times])


def description(cohort: Cohort, days: list[DayTimes]) -> str:
    first = days[0]
    zone = local(first.start, cohort.timezone).tzname() or cohort.timezone
    spots = [
        f"{b.label or ('Lunch' if b.lunch else 'Break')} {local(b.start, cohort.timezone):%H:%M}–"
        f"{local(b.end, cohort.timezone):%H:%M}"
        for b in first.breaks
    ]
    day_line = f"Each day {local(first.start, cohort.timezone):%H:%M}–{local(first.end, cohort.timezone):%H:%M} {zone}"
    text = f"{cohort.name}. {day_line}. " + ("; ".join(spots) + ". " if spots else "")
    return text + marker(cohort.id)


def needs_work(session: Session, playbook: Playbook, cohort: Cohort, now: datetime) -> bool:
    """Whether GoTo is behind the cohort (decided from the database alone, without calling GoTo)."""
    if not managed(cohort):
        return False
    days = attendance.days_of(cohort, playbook)
    if not days or now > days[-1].end:
        return False
    training = training_of(session, cohort.id)
    if training is None or training.training_key is None:
        return True
    if training.times != _times_json(session_times(days)):
        return True
    active = {p.id for p in cohorts.active_agents(session, cohort.id)}
    regs = registrations(session, cohort.id)
    if any(pid not in regs or regs[pid].state == PENDING for pid in active):
        return True
    return any(r.state == REGISTERED and pid not in active for pid, r in regs.items())


# -- one round --------------------------------------------------------------------------------
@dataclass
class Agent:
    person_id: int
    slack_user_id: str
    name: str
    email: str | None


@dataclass
class _Plan:
    cohort_id: int
    name: str
    timezone: str
    tl: str
    description: str
    times: list[tuple[datetime, datetime]]
    training_key: str | None
    attempts: int
    times_sent: str | None
    to_register: list[Agent]
    to_cancel: list[tuple[int, str]]  # (person id, registrant key)


@dataclass
class SyncResult:
    connected: bool = True
    training_key: str | None = None
    created: bool = False
    moved: bool = False
    registered: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)
    error: str | None = None


def _plan(session: Session, playbook: Playbook, cohort_id: int, now: datetime) -> _Plan | None:
    cohort = cohorts.by_id(session, cohort_id)
    if not managed(cohort):
        return None
    days = attendance.days_of(cohort, playbook)
    if not days or now > days[-1].end:
        return None
    training = training_of(session, cohort_id)
    if training is None:
        training = G2TTraining(cohort_id=cohort_id, attempts=0, created_at=now, updated_at=now)
        session.add(training)
        session.flush()
    regs = registrations(session, cohort_id)
    active = cohorts.active_agents(session, cohort_id)
    active_ids = {p.id for p in active}
    to_register = [
        Agent(p.id, p.slack_user_id, p.name, p.email)
        for p in active
        if p.id not in regs or regs[p.id].state in (PENDING, NO_EMAIL)
    ]
    to_cancel = [
        (pid, r.registrant_key)
        for pid, r in regs.items()
        if r.state == REGISTERED and pid not in active_ids and r.registrant_key
    ]
    return _Plan(
        cohort_id=cohort_id,
        name=cohort.name,
        timezone=cohort.timezone,
        tl=cohort.tl.slack_user_id,
        description=description(cohort, days),
        times=session_times(days),
        training_key=training.training_key,
        attempts=training.attempts,
        times_sent=training.times,
        to_register=to_register,
        to_cancel=to_cancel,
    )


def sync_cohort(ctx: AppContext, cohort_id: int) -> SyncResult:
    api = g2t_tokens.client_for(ctx)
    if api is None:
        return SyncResult(connected=False)
    try:
        return _sync(ctx, api, cohort_id)
    finally:
        api.close()


def _sync(ctx: AppContext, api: G2TClient, cohort_id: int) -> SyncResult:
    now = ctx.clock.now()
    with ctx.db.session() as session:
        plan = _plan(session, ctx.playbook, cohort_id, now)
    result = SyncResult()
    if plan is None:
        return result
    try:
        key = plan.training_key or _create(ctx, api, plan, result)
        result.training_key = key
        times = _times_json(plan.times)
        if plan.times_sent != times:
            if plan.training_key is not None:  # a new training already has these times
                api.update_times(key, timezone=plan.timezone, times=plan.times, notify_registrants=False)
                result.moved = True
            with ctx.db.session() as session:
                _training_row(session, cohort_id).times = times
        for agent in plan.to_register:
            _register(ctx, api, plan, key, agent, result)
        for person_id, registrant_key in plan.to_cancel:
            api.cancel_registration(key, registrant_key)
            with ctx.db.session() as session:
                row = registrations(session, cohort_id)[person_id]
                row.state, row.updated_at, row.last_error = CANCELLED, ctx.clock.now(), None
                result.cancelled.append(session.get(Person, person_id).name)  # type: ignore[union-attr]
    except G2TError as exc:
        log.warning("G2T for cohort %s: %s", cohort_id, exc.message)
        result.error = exc.message
        with ctx.db.session() as session:
            training = _training_row(session, cohort_id)
            training.last_error, training.updated_at = exc.message[:500], ctx.clock.now()
    return result


def _training_row(session: Session, cohort_id: int) -> G2TTraining:
    row = training_of(session, cohort_id)
    assert row is not None
    return row


def _create(ctx: AppContext, api: G2TClient, plan: _Plan, result: SyncResult) -> str:
    key: str | None = None
    if plan.attempts:
        # An earlier attempt may have created it and lost the answer: find it by its marker.
        key = next(
            (
                str(t["trainingKey"])
                for t in api.trainings()
                if marker(plan.cohort_id) in (t.get("description") or "")
            ),
            None,
        )
    with ctx.db.session() as session:
        _training_row(session, plan.cohort_id).attempts += 1
    if key is None:
        key = api.create_training(
            name=plan.name, description=plan.description, timezone=plan.timezone, times=plan.times
        )
        result.created = True
    with ctx.db.session() as session:
        row = _training_row(session, plan.cohort_id)
        row.training_key, row.times, row.last_error, row.updated_at = (
            key,
            _times_json(plan.times),
            None,
            ctx.clock.now(),
        )
    plan.times_sent = _times_json(plan.times)
    return key


def _register(
    ctx: AppContext, api: G2TClient, plan: _Plan, key: str, agent: Agent, result: SyncResult
) -> None:
    email = agent.email or _slack_email(ctx, agent.slack_user_id)
    if email is None:
        _store(ctx, plan.cohort_id, agent.person_id, state=NO_EMAIL)
        result.without_email.append(agent.name)
        _tell_no_email(ctx, plan, agent)
        return
    given, _, surname = agent.name.partition(" ")
    try:
        registrant = api.register_once(key, email=email, given_name=given, surname=surname or given)
    except G2TError as exc:
        _store(ctx, plan.cohort_id, agent.person_id, state=PENDING, email=email, error=exc.message)
        raise
    _store(
        ctx,
        plan.cohort_id,
        agent.person_id,
        state=REGISTERED,
        email=email,
        registrant_key=registrant.registrant_key,
        join_url=registrant.join_url,
    )
    result.registered.append(agent.name)


def _store(
    ctx: AppContext,
    cohort_id: int,
    person_id: int,
    *,
    state: str,
    email: str | None = None,
    registrant_key: str | None = None,
    join_url: str | None = None,
    error: str | None = None,
) -> None:
    with ctx.db.session() as session:
        row = registrations(session, cohort_id).get(person_id)
        if row is None:
            row = G2TRegistration(cohort_id=cohort_id, person_id=person_id, state=state)
            session.add(row)
        row.state, row.updated_at, row.last_error = state, ctx.clock.now(), (error or None) and error[:500]
        if email is not None:
            row.email = email
        if registrant_key is not None:
            row.registrant_key, row.join_url = registrant_key, join_url
        person = session.get(Person, person_id)
        if person is not None and email and not person.email:
            person.email = email  # from Slack's profile: asked once
        session.flush()


def _slack_email(ctx: AppContext, user_id: str) -> str | None:
    """Slack's profile email (the app needs users:read.email), or None when it has none."""
    try:
        user = ctx.client.users_info(user=user_id)["user"]
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.info("no email from Slack for %s: %s", user_id, exc)
        return None
    email = (user.get("profile") or {}).get("email")
    return str(email).strip().lower() if email else None


def _tell_no_email(ctx: AppContext, plan: _Plan, agent: Agent) -> None:
    text, blocks = g2t_blocks.no_email(plan.name, agent.name)
    outbox.send_once(
        ctx.db,
        ctx.client,
        key=f"g2t-noemail:{plan.cohort_id}:{agent.person_id}",
        kind="g2t_no_email",
        recipient=plan.tl,
        text=text,
        blocks=blocks,
        now=ctx.clock.now(),
    )


# -- what the periodic job walks ----------------------------------------------------------------
def cohorts_behind(session: Session, playbook: Playbook, now: datetime) -> list[int]:
    return [c.id for c in cohorts.all_cohorts(session) if needs_work(session, playbook, c, now)]


def ready(session: Session, cohort_id: int) -> bool:
    """The training exists and no active agent waits for a registration GoTo refused or missed."""
    training = training_of(session, cohort_id)
    if training is None or training.training_key is None:
        return False
    regs = registrations(session, cohort_id)
    active = select(Enrollment.person_id).where(
        Enrollment.cohort_id == cohort_id, Enrollment.status == "active"
    )
    return all(pid in regs and regs[pid].state in (REGISTERED, NO_EMAIL) for pid in session.scalars(active))


# -- the TL's start link ------------------------------------------------------------------------
def send_start_link(ctx: AppContext, cohort_id: int, day_no: int, *, eve: bool) -> bool:
    """The organizer's start link to the TL, once per key; False when there is nothing to send."""
    key = f"g2t-start:{cohort_id}:" + ("eve" if eve else f"day:{day_no}")
    if outbox.already_sent(ctx.db, key):
        return False
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        training = training_of(session, cohort_id)
        if not managed(cohort) or training is None or training.training_key is None:
            return False
        day = attendance.day_of(cohort, ctx.playbook, day_no)
        training_key, name, tl = training.training_key, cohort.name, cohort.tl.slack_user_id
        tl_zone = cohort.tl.timezone
    api = g2t_tokens.client_for(ctx)
    if api is None:
        return False
    try:
        url = api.start_url(training_key)
    except G2TError as exc:
        log.warning("no G2T start link for cohort %s day %s: %s", cohort_id, day_no, exc.message)
        return False
    finally:
        api.close()
    text, blocks = g2t_blocks.start_link(name, day, url, eve=eve, reader=tl_zone)
    outbox.send_once(
        ctx.db,
        ctx.client,
        key=key,
        kind="g2t_start",
        recipient=tl,
        text=text,
        blocks=blocks,
        now=ctx.clock.now(),
    )
    return True


def send_due_start_links(ctx: AppContext) -> None:
    """Start links whose moment came while GoTo was down: sent now, still once each."""
    now = ctx.clock.now()
    lead = timedelta(minutes=ctx.playbook.g2t.start_link_minutes_before)
    wanted: list[tuple[int, int, bool]] = []
    with ctx.db.session() as session:
        for cohort in cohorts.all_cohorts(session):
            training = training_of(session, cohort.id)
            if not managed(cohort) or training is None or training.training_key is None:
                continue
            days = attendance.days_of(cohort, ctx.playbook)
            if days and days[0].start - timedelta(days=1) <= now < days[0].start - lead:
                wanted.append((cohort.id, 1, True))
            wanted += [(cohort.id, d.number, False) for d in days if d.start - lead <= now <= d.end]
    for cohort_id, day, eve in wanted:
        send_start_link(ctx, cohort_id, day, eve=eve)
