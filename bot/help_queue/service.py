"""The help queue: agents ask (/needhelp, or "Still stuck" after /techissue), staff claim them
into a breakout room, then mark them resolved. Wait time is claimed_at - requested_at.

Double clicks are harmless: an agent holds at most one waiting request (a unique `open_slot`
enforced by the database), and a claim only succeeds on a request that is still waiting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action, Target
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit
from bot.core.errors import Conflict, NotFound
from bot.core.outbox import MessageEdit
from bot.core.text import NOTE, escape_line, shorten
from bot.core.timefmt import clock_time, local
from bot.core.unit_of_work import Work, use_case
from bot.help_queue import notify as help_notify
from bot.help_queue.playbook import TechTopic
from bot.help_queue.types import HelpCard
from db.models import Enrollment, HelpRequest, Person, Role
from db.models.help_request import CLAIMED, RESOLVED, WAITING
from db.session import rows_matched

NOT_ENROLLED = (
    "You are not in a class right now, so there is no help queue for you. If you should be, ask "
    "your team lead to add you with `/cohort add @you N-Number NPN`."
)

SOURCES = ("needhelp", "techissue", "dm")
MAX_TEXT = NOTE


@dataclass(frozen=True)
class Requester:
    person: Person
    enrollment: Enrollment


@dataclass(frozen=True)
class Enqueued:
    request: HelpRequest
    created: bool
    position: int  # 1 = next in line
    waiting: int


# -- troubleshooting ---------------------------------------------------------------------------
def match_topic(playbook: Playbook, text: str | None) -> TechTopic | None:
    """The playbook topic whose keywords best match `text` (whole words, case-insensitive); the
    first keyword of a topic is its name and counts double. None when nothing matches."""
    words = (text or "").lower()
    if not words.strip():
        return None
    best: TechTopic | None = None
    best_score = 0
    for topic in playbook.tech_issues.topics:
        score = 0
        for index, keyword in enumerate(topic.keywords):
            if re.search(rf"(?<!\w){re.escape(keyword.lower())}(?!\w)", words):
                score += 2 if index == 0 else 1
        if score > best_score:
            best, best_score = topic, score
    return best


def topic_by_key(playbook: Playbook, key: str | None) -> TechTopic | None:
    return next((t for t in playbook.tech_issues.topics if t.key == key), None) if key else None


# -- the queue ---------------------------------------------------------------------------------
def get(session: Session, request_id: int) -> HelpRequest:
    request = session.get(HelpRequest, request_id)
    if request is None:
        raise NotFound("That help request no longer exists.")
    return request


def enqueue(
    session: Session,
    asker: Requester,
    *,
    source: str,
    text: str | None,
    topic_key: str | None,
    now: datetime,
) -> Enqueued:
    """Put the agent in their class's queue, or return the request they are already waiting on."""
    if source not in SOURCES:
        raise ValueError(f"unknown help request source {source!r}")
    cohort_id, person = asker.enrollment.cohort_id, asker.person
    slot = f"{cohort_id}:{person.id}"
    existing = _waiting_in_slot(session, slot)
    created = False
    if existing is None:
        request = HelpRequest(
            cohort_id=cohort_id,
            person_id=person.id,
            source=source,
            topic_key=topic_key,
            text=shorten((text or "").strip(), MAX_TEXT),
            status=WAITING,
            requested_at=now,
            open_slot=slot,
        )
        try:
            with session.begin_nested():
                session.add(request)
        except IntegrityError:
            # A double click that raced us to the insert: theirs is the request.
            existing = _waiting_in_slot(session, slot)
            if existing is None:
                raise
        else:
            created = True
            existing = request
            audit.record(
                session,
                actor=person.slack_user_id,
                action="help.requested",
                entity="help_request",
                entity_id=request.id,
                at=now,
                details={"cohort_id": cohort_id, "source": source, "topic": topic_key, "text": request.text},
            )
    position, waiting = queue_position(session, existing)
    return Enqueued(request=existing, created=created, position=position, waiting=waiting)


def _waiting_in_slot(session: Session, slot: str) -> HelpRequest | None:
    return session.scalar(select(HelpRequest).where(HelpRequest.open_slot == slot))


def queue_position(session: Session, request: HelpRequest) -> tuple[int, int]:
    """(place in line, how many are waiting) in the request's class."""
    waiting = waiting_for_cohort(session, request.cohort_id)
    ids = [r.id for r in waiting]
    return (ids.index(request.id) + 1 if request.id in ids else 0), len(ids)


def waiting_for_cohort(session: Session, cohort_id: int) -> list[HelpRequest]:
    stmt = (
        select(HelpRequest)
        .where(HelpRequest.cohort_id == cohort_id, HelpRequest.status == WAITING)
        .order_by(HelpRequest.requested_at, HelpRequest.id)
    )
    return list(session.scalars(stmt))


def open_for_cohort(session: Session, cohort_id: int) -> list[HelpRequest]:
    """Requests not yet resolved, oldest first: waiting ones and those claimed into a room."""
    stmt = (
        select(HelpRequest)
        .where(HelpRequest.cohort_id == cohort_id, HelpRequest.status.in_((WAITING, CLAIMED)))
        .order_by(HelpRequest.requested_at, HelpRequest.id)
    )
    return list(session.scalars(stmt))


def open_for_staff(session: Session, person: Person) -> list[HelpRequest]:
    """Open requests in every class the staff member works with, oldest first."""
    rows = [r for c in cohorts.visible_to(session, person) for r in open_for_cohort(session, c.id)]
    return sorted(rows, key=lambda r: (r.requested_at, r.id))


def _reread(session: Session, request_id: int) -> HelpRequest:
    request = session.get(HelpRequest, request_id, populate_existing=True)
    assert request is not None
    return request


def claim(session: Session, request_id: int, *, claimer: Person, room: int, now: datetime) -> HelpRequest:
    """Claim a waiting request into breakout room `room`. A second claim changes nothing and
    raises Conflict naming who has it. The conditional UPDATE makes racing claims safe."""
    get(session, request_id)
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status == WAITING)
        .values(status=CLAIMED, claimed_by_id=claimer.id, claimed_at=now, room=room, open_slot=None)
        .execution_options(synchronize_session=False)
    )
    request = _reread(session, request_id)
    if rows_matched(result) != 1:
        raise Conflict(taken_message(request))
    audit.record(
        session,
        actor=claimer.slack_user_id,
        action="help.claimed",
        entity="help_request",
        entity_id=request.id,
        at=now,
        details={"room": room, "wait_seconds": int(wait_of(request).total_seconds())},
    )
    return request


def resolve(session: Session, request_id: int, *, by: Person, now: datetime) -> tuple[HelpRequest, bool]:
    """Mark a request resolved; (request, whether this call changed it)."""
    get(session, request_id)
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status.in_((WAITING, CLAIMED)))
        .values(status=RESOLVED, resolved_by_id=by.id, resolved_at=now, open_slot=None)
        .execution_options(synchronize_session=False)
    )
    request = _reread(session, request_id)
    if rows_matched(result) != 1:
        return request, False
    audit.record(
        session,
        actor=by.slack_user_id,
        action="help.resolved",
        entity="help_request",
        entity_id=request.id,
        at=now,
        details={},
    )
    return request, True


def taken_message(request: HelpRequest) -> str:
    tz = request.cohort.timezone
    if request.status == CLAIMED and request.claimed_by is not None and request.claimed_at is not None:
        return (
            f"{escape_line(request.claimed_by.name)} already claimed {escape_line(request.person.name)}'s request at "
            f"{clock_time(local(request.claimed_at, tz).time())} (breakout room {request.room})."
        )
    if request.status == RESOLVED and request.resolved_at is not None:
        who = f" by {escape_line(request.resolved_by.name)}" if request.resolved_by is not None else ""
        return (
            f"{escape_line(request.person.name)}'s request was already resolved{who} at "
            f"{clock_time(local(request.resolved_at, tz).time())}."
        )
    return f"{escape_line(request.person.name)}'s request is not waiting any more."


# -- wait times --------------------------------------------------------------------------------
def wait_of(request: HelpRequest) -> timedelta:
    """claimed_at - requested_at (for a claimed request)."""
    if request.claimed_at is None:
        raise ValueError("the request has not been claimed")
    return request.claimed_at - request.requested_at


def requested_between(
    session: Session, cohort_id: int, start_utc: datetime, end_utc: datetime
) -> list[HelpRequest]:
    stmt = (
        select(HelpRequest)
        .where(
            HelpRequest.cohort_id == cohort_id,
            HelpRequest.requested_at >= start_utc,
            HelpRequest.requested_at < end_utc,
        )
        .order_by(HelpRequest.requested_at, HelpRequest.id)
    )
    return list(session.scalars(stmt))


def wait_times(
    session: Session, cohort_id: int, day_start_utc: datetime, day_end_utc: datetime
) -> list[timedelta]:
    """How long each request asked in [day_start_utc, day_end_utc) waited to be claimed, in the
    order they were asked. Requests still waiting are not in it (see `requested_between`)."""
    return [
        wait_of(r)
        for r in requested_between(session, cohort_id, day_start_utc, day_end_utc)
        if r.claimed_at is not None
    ]


@dataclass(frozen=True)
class DayStats:
    requests: int
    claimed: int
    resolved: int
    median_wait: timedelta | None
    max_wait: timedelta | None
    unclaimed: list[HelpRequest]


def day_stats(session: Session, cohort_id: int, start_utc: datetime, end_utc: datetime) -> DayStats:
    asked = requested_between(session, cohort_id, start_utc, end_utc)
    waits = sorted(wait_of(r) for r in asked if r.claimed_at is not None)
    return DayStats(
        requests=len(asked),
        claimed=len(waits),
        resolved=sum(1 for r in asked if r.status == RESOLVED),
        median_wait=_median(waits),
        max_wait=waits[-1] if waits else None,
        unclaimed=[r for r in asked if r.status == WAITING],
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


# -- use cases: /techissue, /needhelp, Still stuck, Claim, Mark resolved, the claim modal --
@dataclass(frozen=True)
class Steps:
    """/techissue: whether the caller also gets the Still stuck button (an agent in a class)."""

    can_queue: bool


@dataclass(frozen=True)
class Queued:
    created: bool
    position: int
    waiting: int
    tl_id: str
    asked_at: str  # in the class's timezone


@dataclass(frozen=True)
class OpenQueue:
    """What staff who type /needhelp see: the open requests of their classes (or of this one)."""

    rows: list[tuple[str, HelpCard]]


@dataclass(frozen=True)
class HelpAsk:
    text: str
    topic_key: str | None
    source: str  # needhelp | techissue | dm
    channel_id: str = ""


@dataclass(frozen=True)
class Handled:
    """A claim or resolution: whether this call did it (else who did), and the TL's card now."""

    changed: bool
    taken: str | None = None
    card: MessageEdit | None = None


def _target(session: Session, request: HelpRequest) -> Target:
    return access.record_target(session, request.cohort_id, request.person, f"help_request:{request.id}")


@use_case
def troubleshoot(work: Work) -> Steps:
    actor = work.allow(Action.TECH_HELP)
    if actor.role != Role.AGENT:
        return Steps(can_queue=False)
    if cohorts.enrollment_of(work.session, actor.id) is None:
        raise NotFound(NOT_ENROLLED)
    return Steps(can_queue=True)


@use_case
def ask_for_help(work: Work, ask: HelpAsk) -> Queued | OpenQueue:
    """An agent joins their class's queue (once: a repeat says where they are); staff who type
    /needhelp see the open requests instead."""
    return join_queue(work, ask)


def join_queue(work: Work, ask: HelpAsk) -> Queued | OpenQueue:
    """ask_for_help inside a unit of work already open (a DM to the bot)."""
    actor = work.actor
    if actor.role != Role.AGENT and ask.source == "needhelp":
        return _open_queue(work, actor, ask.channel_id)
    target = access.agent_target(work.session, actor)
    work.allow(Action.HELP_REQUEST, target)
    enrollment = cohorts.enrollment_of(work.session, actor.id)
    if enrollment is None:
        raise NotFound(NOT_ENROLLED)
    result = enqueue(
        work.session,
        Requester(actor, enrollment),
        source=ask.source,
        text=ask.text,
        topic_key=ask.topic_key,
        now=work.now,
    )
    if result.created:
        help_notify.tell_staff(work, result.request, result.waiting)
    cohort = enrollment.cohort
    return Queued(
        created=result.created,
        position=result.position,
        waiting=result.waiting,
        tl_id=cohort.tl.slack_user_id,
        asked_at=clock_time(local(result.request.requested_at, cohort.timezone).time()),
    )


def _open_queue(work: Work, actor: Person, channel_id: str) -> OpenQueue:
    cohort = cohorts.for_channel(work.session, channel_id) if channel_id else None
    if cohort is not None:
        work.allow(Action.HELP_QUEUE_READ, access.cohort_target(cohort))
        rows = open_for_cohort(work.session, cohort.id)
    else:
        work.allow(Action.HELP_QUEUE_READ)
        rows = open_for_staff(work.session, actor)
    return OpenQueue([(r.cohort.name, help_notify.card_for(work.playbook, r)) for r in rows])


@use_case
def claim_form(work: Work, request_id: int) -> HelpCard:
    """The Claim button: the room modal, for the class's staff, while the request is waiting."""
    request = get(work.session, request_id)
    work.allow(Action.HELP_CLAIM, _target(work.session, request))
    if request.status != WAITING:
        raise Conflict(taken_message(request))
    return help_notify.card_for(work.playbook, request)


@use_case
def claim_request(work: Work, request_id: int, room: int) -> Handled:
    """The room modal: claim the request (once), DM the agent their room, show it on the TL's card."""
    request = get(work.session, request_id)
    claimer = work.allow(Action.HELP_CLAIM, _target(work.session, request))
    request = claim(work.session, request_id, claimer=claimer, room=room, now=work.now)
    help_notify.tell_agent_claimed(work, request)
    return Handled(changed=True, card=help_notify.staff_card_now(work, request))


@use_case
def resolve_request(work: Work, request_id: int) -> Handled:
    """Mark resolved: once; a second press is told who resolved it."""
    request = get(work.session, request_id)
    staff = work.allow(Action.HELP_CLAIM, _target(work.session, request))
    request, changed = resolve(work.session, request_id, by=staff, now=work.now)
    return Handled(
        changed=changed,
        taken=None if changed else taken_message(request),
        card=help_notify.staff_card_now(work, request),
    )
