"""The ESP tracker: six items per agent, each not started, in progress, complete or blocked.

The moment all six are complete the cohort's PM gets a DM naming the agent (and any red flags
still open) and the TL is told, exactly once per agent. The use case that completes the tracker
enqueues the DMs (`enqueue_if_complete`) after taking the agent's row lock, so of two updates
racing to the sixth "complete" the second waits for the first and sees its items; the outbox
keys make sure each DM goes once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action, Target
from bot.cohorts import service as cohorts
from bot.core import audit, people, record_reads
from bot.core.errors import InvalidInput, NotFound
from bot.core.text import escape_line, shorten
from bot.core.timefmt import show
from bot.core.unit_of_work import Caller, Work, use_case
from bot.esp_tracker import production_blocks
from bot.esp_tracker.types import ClassTracker, ItemsCompleted, Tracker, TrackerRow, TrackerUpdated
from bot.red_flags import service as red_flags
from db.models import STAFF_ROLES, EspItem, Person

if TYPE_CHECKING:
    from bot.core.context import AppContext

# The tracker's items, in the tracking sheet's order: key -> label.
ITEMS: dict[str, str] = {
    "ahip": "AHIP",
    "aetna": "Aetna",
    "tbt": "TBT",
    "callcert": "Call Cert",
    "equipment": "Equipment",
    "rts": "RTS/No More Forms",
}
NOT_STARTED, IN_PROGRESS, COMPLETE, BLOCKED = "not_started", "in_progress", "complete", "blocked"
STATUSES: dict[str, str] = {
    NOT_STARTED: "not started",
    IN_PROGRESS: "in progress",
    COMPLETE: "complete",
    BLOCKED: "blocked",
}
STATUS_EMOJI = {
    NOT_STARTED: ":white_circle:",
    IN_PROGRESS: ":large_blue_circle:",
    COMPLETE: ":white_check_mark:",
    BLOCKED: ":no_entry:",
}

# What people type for an item (besides its key): "call_cert", "no_more_forms", ...
ITEM_ALIASES = {
    "call_cert": "callcert",
    "call": "callcert",
    "no_more_forms": "rts",
    "nmf": "rts",
    "rts_no_more_forms": "rts",
}
STATUS_ALIASES = {
    "done": COMPLETE,
    "completed": COMPLETE,
    "notstarted": NOT_STARTED,
    "todo": NOT_STARTED,
    "inprogress": IN_PROGRESS,
    "started": IN_PROGRESS,
    "wip": IN_PROGRESS,
}


@dataclass(frozen=True)
class ItemState:
    item: str
    label: str
    status: str
    changed_by: str | None  # a name
    changed_at: datetime | None

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


def _key(raw: str) -> str:
    return raw.strip().lower().replace("-", "_").replace(" ", "_")


def item_key(raw: str) -> str | None:
    key = _key(raw)
    key = ITEM_ALIASES.get(key, key)
    return key if key in ITEMS else None


def status_key(raw: str) -> str | None:
    key = _key(raw)
    key = STATUS_ALIASES.get(key, key)
    return key if key in STATUSES else None


def valid_items_text() -> str:
    return ", ".join(f"`{k}` ({v})" for k, v in ITEMS.items())


def valid_statuses_text() -> str:
    return ", ".join(f"`{k}`" for k in STATUSES)


def parse_updates(tokens: list[str]) -> list[tuple[str, str]]:
    """['aetna=complete', 'rts=done'] -> [('aetna', 'complete'), ('rts', 'complete')]; every
    problem at once, with the valid items and statuses, and nothing applied."""
    updates: dict[str, str] = {}
    problems: list[str] = []
    for token in tokens:
        name, sep, value = token.partition("=")
        if not sep or not name.strip() or not value.strip():
            problems.append(f"`{token}` is not `item=status`.")
            continue
        item, status = item_key(name), status_key(value)
        if item is None:
            problems.append(f"`{escape_line(name)}` is not an ESP tracker item.")
        if status is None:
            problems.append(f"`{escape_line(value)}` is not a status.")
        if item and status:
            updates[item] = status
    if problems:
        raise InvalidInput(
            " ".join(problems) + f"\nItems: {valid_items_text()}.\nStatuses: {valid_statuses_text()}.\n"
            "Example: `/esp @agent aetna=complete equipment=complete`. Nothing was changed."
        )
    if not updates:
        raise InvalidInput("Say what to change, like `/esp @agent aetna=complete equipment=complete`.")
    return sorted(updates.items(), key=lambda pair: list(ITEMS).index(pair[0]))  # one order: no deadlocks


def rows(session: Session, person_id: int) -> dict[str, EspItem]:
    return {r.item: r for r in session.scalars(select(EspItem).where(EspItem.person_id == person_id))}


def statuses(session: Session, person_id: int) -> dict[str, ItemState]:
    """Every item of the agent's tracker, in order; items never set are not started."""
    found = rows(session, person_id)
    result = {}
    for key, label in ITEMS.items():
        row = found.get(key)
        result[key] = ItemState(
            item=key,
            label=label,
            status=row.status if row else NOT_STARTED,
            changed_by=row.changed_by.name if row and row.changed_by else None,
            changed_at=row.changed_at if row else None,
        )
    return result


def status_of(session: Session, person_id: int, item: str) -> str:
    row = session.scalar(select(EspItem).where(EspItem.person_id == person_id, EspItem.item == item))
    return row.status if row else NOT_STARTED


def is_complete(session: Session, person_id: int) -> bool:
    count = session.scalar(
        select(func.count())
        .select_from(EspItem)
        .where(EspItem.person_id == person_id, EspItem.status == COMPLETE, EspItem.item.in_(list(ITEMS)))
    )
    return int(count or 0) == len(ITEMS)


def lock(session: Session, person_id: int) -> None:
    """Serialize tracker updates of one agent (PostgreSQL row lock; SQLite writers queue anyway).

    NO KEY UPDATE so rows that merely reference the person (foreign keys) are not held up."""
    session.execute(
        select(Person.id).where(Person.id == person_id).with_for_update(key_share=True)
    )  # FOR NO KEY UPDATE


def set_status(
    session: Session,
    *,
    person: Person,
    item: str,
    status: str,
    actor: Person | None,
    now: datetime,
    source: str = "esp",
) -> bool:
    """Set one item; True when it changed. Audited with the status before and after."""
    if item not in ITEMS:
        raise InvalidInput(f"`{item}` is not an ESP tracker item. Items: {valid_items_text()}.")
    if status not in STATUSES:
        raise InvalidInput(f"`{status}` is not a status. Statuses: {valid_statuses_text()}.")
    lock(session, person.id)
    actor_id = actor.id if actor else None
    row = session.scalar(
        select(EspItem)
        .where(EspItem.person_id == person.id, EspItem.item == item)
        .execution_options(populate_existing=True)  # as the last writer left it, now that we hold the lock
    )
    if row is None:
        try:
            # Two first updates of the same item may race; the loser updates the winner's row.
            with session.begin_nested():
                row = EspItem(
                    person_id=person.id, item=item, status=status, changed_by_id=actor_id, changed_at=now
                )
                session.add(row)
            before = NOT_STARTED
        except IntegrityError:
            row = session.scalar(select(EspItem).where(EspItem.person_id == person.id, EspItem.item == item))
            assert row is not None
            before = row.status
    else:
        before = row.status
    if before == status:
        return False
    row.status, row.changed_by_id, row.changed_at = status, actor_id, now
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id if actor else "bot",
        action="esp.updated",
        entity="esp_item",
        entity_id=row.id,
        at=now,
        details={"person_id": person.id, "item": item, "before": before, "after": status, "source": source},
    )
    return True


def advance(
    session: Session, *, person: Person, item: str, actor: Person | None, now: datetime, source: str
) -> bool:
    """Mark an item in progress unless it is already further (complete or blocked)."""
    if status_of(session, person.id, item) != NOT_STARTED:
        return False
    return set_status(
        session, person=person, item=item, status=IN_PROGRESS, actor=actor, now=now, source=source
    )


def apply_failed_attempt(
    session: Session,
    *,
    person: Person,
    carrier: str,
    blocked: bool,
    actor: Person | None,
    now: datetime,
    source: str,
) -> str | None:
    """What a failed exam does to the carrier's tracker item, whichever way it was recorded
    (/failcert or the Failed Carrier Cert Exams form): blocked at the attempt limit, else in
    progress. Returns the new status when the item changed."""
    if carrier not in ITEMS:
        return None
    if blocked:
        changed = set_status(
            session, person=person, item=carrier, status=BLOCKED, actor=actor, now=now, source=source
        )
        return BLOCKED if changed else None
    return (
        IN_PROGRESS
        if advance(session, person=person, item=carrier, actor=actor, now=now, source=source)
        else None
    )


# -- ESP-complete ---------------------------------------------------------------------------------
# The PM's ESP-complete DM names each open red flag; it must fit one section with the rest, so
# each is cut and the DM says where they read whole.
FLAG_SHOWN = 400
FLAGS_SHOWN = 5


def complete_text(agent_name: str, agent_slack_id: str, cohort_name: str, open_flags: list[str]) -> str:
    *first, last = ITEMS.values()
    lines = [
        f":tada: {escape_line(agent_name)} is ESP-complete: {', '.join(first)} and {last} are all done "
        f"({escape_line(cohort_name)}). <@{agent_slack_id}> is ready for production."
    ]
    if open_flags:
        lines.append(":triangular_flag_on_post: Red flags still open:")
        lines += [f"• {escape_line(shorten(text, FLAG_SHOWN))}" for text in open_flags[:FLAGS_SHOWN]]
        if len(open_flags) > FLAGS_SHOWN:
            lines.append(f"…and {len(open_flags) - FLAGS_SHOWN} more.")
        if len(open_flags) > FLAGS_SHOWN or any(len(t) > FLAG_SHOWN for t in open_flags):
            lines.append("_`/redflag list` in the class channel, or your App Home, shows each in full._")
    return "\n".join(lines)


def open_flags(session: Session, person_id: int) -> list[str]:
    return [
        f"{flag.category}: {flag.description}" if flag.category else flag.description
        for flag in red_flags.open_for_person(session, person_id)
    ]


def enqueue_if_complete(work: Work, person_id: int) -> bool:
    """In the unit of work that updated the tracker, under the agent's lock: when all six are
    complete, DM the PM and tell the TL (once each, whichever update got there)."""
    session = work.session
    lock(session, person_id)
    if not is_complete(session, person_id):
        return False
    agent = session.get(Person, person_id)
    enrollment = cohorts.enrollment_of(session, person_id)
    if agent is None or enrollment is None:
        return False
    cohort = enrollment.cohort
    flags = open_flags(session, person_id)
    pm, tl = cohort.pm.slack_user_id, cohort.tl.slack_user_id
    pm_text = complete_text(agent.name, agent.slack_user_id, cohort.name, flags)
    work.notify(
        key=f"esp-complete:{person_id}:pm",
        kind="esp_complete",
        recipient=pm,
        text=pm_text,
        # The PM's Moved to production button.
        blocks=production_blocks.complete_for_pm(pm_text, enrollment.id),
    )
    if tl != pm:
        tl_text = (
            f":tada: {escape_line(agent.name)} is ESP-complete (all six tracker items done). "
            f"{escape_line(cohort.pm.name)} (<@{pm}>) has been told they are ready for production."
        )
        if flags:
            tl_text += f" Open red flags: {len(flags)}."
        work.notify(key=f"esp-complete:{person_id}:tl", kind="esp_complete_tl", recipient=tl, text=tl_text)
    return True


def notify_if_complete(ctx: AppContext, person_id: int) -> bool:
    """For a tracker change made outside a use case (a job): its own unit of work, sent after it commits."""
    return _check_complete(ctx, Caller.system(), person_id)


@use_case
def _check_complete(work: Work, person_id: int) -> bool:
    return enqueue_if_complete(work, person_id)


# -- use cases ------------------------------------------------------------------------------------
def tracker_of(session: Session, agent: Person) -> Tracker:
    enrollment = cohorts.enrollment_of(session, agent.id)
    timezone = enrollment.cohort.timezone if enrollment else "UTC"
    rows = []
    for state in statuses(session, agent.id).values():
        changed = None
        if state.changed_at is not None:
            by = f"by {escape_line(state.changed_by)}, " if state.changed_by else ""
            changed = f"{by}{show(state.changed_at, timezone)}"
        rows.append(TrackerRow(state.label, STATUS_EMOJI[state.status], state.status_label, changed))
    return Tracker(
        agent_name=agent.name,
        cohort_name=enrollment.cohort.name if enrollment else None,
        rows=rows,
        complete=is_complete(session, agent.id),
        open_flags=open_flags(session, agent.id),
    )


@use_case
def show_tracker(work: Work, agent_user_id: str) -> Tracker:
    """/esp @agent: the agent's tracker and open red flags (agents see only their own)."""
    agent = people.require_agent(work.session, agent_user_id)
    work.allow(Action.ESP_READ, access.agent_target(work.session, agent))
    tracker = tracker_of(work.session, agent)
    exams = [s.label for s in statuses(work.session, agent.id).values() if s.status == BLOCKED]
    if exams and work.actor.id != agent.id:
        record_reads.record(
            work.session,
            reader=work.actor.slack_user_id,
            person_id=agent.id,
            what=record_reads.FAILED_EXAMS,
            at=work.now,
            detail=f"/esp @agent: blocked for {', '.join(exams)} (attempts used up)",
        )
    return tracker


@use_case
def open_esp(work: Work, channel_id: str) -> Tracker | ClassTracker | None:
    """/esp alone: an agent's own tracker; staff in a class channel, the class; else None (the usage)."""
    actor = work.actor
    if actor.role not in STAFF_ROLES:
        work.allow(Action.ESP_READ, Target(person=actor))
        return tracker_of(work.session, actor)
    if cohorts.for_channel(work.session, channel_id) is None:
        return None
    return _class_tracker(work, channel_id)


@use_case
def class_tracker(work: Work, channel_id: str) -> ClassTracker:
    """/esp class: every agent of the channel's class, one line each."""
    return _class_tracker(work, channel_id)


def _class_tracker(work: Work, channel_id: str) -> ClassTracker:
    cohort = cohorts.for_channel(work.session, channel_id)
    work.allow(Action.ESP_CLASS_READ, access.cohort_target(cohort) if cohort else Target())
    if cohort is None:
        raise NotFound(cohorts.NO_COHORT_HERE)
    rows, blocked = [], []
    for agent in cohorts.active_agents(work.session, cohort.id):
        states = statuses(work.session, agent.id).values()
        rows.append(
            (agent.name, [(STATUS_EMOJI[s.status], s.label.split("/")[0], s.status_label) for s in states])
        )
        exams = [s.label for s in states if s.status == BLOCKED]
        if exams:
            blocked.append((agent.id, f"/esp class: blocked for {', '.join(exams)} (attempts used up)"))
    # A blocked exam says the agent failed it as often as allowed: a failed-exam record, shown.
    record_reads.record_many(
        work.session,
        reader=work.actor.slack_user_id,
        what=record_reads.FAILED_EXAMS,
        at=work.now,
        rows=blocked,
    )
    return ClassTracker(cohort.name, list(ITEMS.values()), rows)


@use_case
def update_tracker(work: Work, agent_user_id: str, updates: list[tuple[str, str]]) -> TrackerUpdated:
    """/esp @agent item=status ...: all the updates in one unit of work, and the ESP-complete DMs
    when they finish the tracker."""
    agent = people.require_agent(work.session, agent_user_id)
    actor = work.allow(Action.ESP_WRITE, access.agent_target(work.session, agent))
    if cohorts.enrollment_of(work.session, agent.id) is None:
        raise InvalidInput(f"{escape_line(agent.name)} is not in an active cohort; nothing was changed.")
    lock(work.session, agent.id)
    moved = [
        (item, status)
        for item, status in updates
        if set_status(work.session, person=agent, item=item, status=status, actor=actor, now=work.now)
    ]
    changed = [f"{ITEMS[item]} {STATUSES[status]}" for item, status in moved]
    completed = [item for item, status in moved if status == COMPLETE]
    if completed:
        # An exam passed shows on its failed attempts' notices: after the commit.
        work.emit(ItemsCompleted(person_id=agent.id, items=completed))
    enqueue_if_complete(work, agent.id)
    return TrackerUpdated(changed, tracker_of(work.session, agent))
