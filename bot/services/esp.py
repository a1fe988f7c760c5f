"""The ESP tracker: six items per agent, each not started, in progress, complete or blocked.

The moment all six are complete the cohort's PM gets a DM naming the agent (and any red flags
still open) and the TL is told, exactly once per agent. The check runs after the update has
committed, in a fresh unit of work, so of two updates racing to the sixth "complete" at least
the one that commits last sees it; the outbox keys make sure the DM goes once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.errors import InvalidInput
from bot.services import audit, cohorts, outbox
from db.models import EspItem, Person

if TYPE_CHECKING:
    from bot.context import AppContext

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
            problems.append(f"`{name}` is not an ESP tracker item.")
        if status is None:
            problems.append(f"`{value}` is not a status.")
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
    row = session.scalar(select(EspItem).where(EspItem.person_id == person.id, EspItem.item == item))
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
def complete_text(agent_name: str, agent_slack_id: str, cohort_name: str, open_flags: list[str]) -> str:
    *first, last = ITEMS.values()
    lines = [
        f":tada: {agent_name} is ESP-complete: {', '.join(first)} and {last} are all done ({cohort_name}). "
        f"<@{agent_slack_id}> is ready for production."
    ]
    if open_flags:
        lines.append(":triangular_flag_on_post: Red flags still open:")
        lines += [f"• {text}" for text in open_flags]
    return "\n".join(lines)


def open_flags(session: Session, person_id: int) -> list[str]:
    from bot.services import red_flags

    return [
        f"{flag.category}: {flag.description}" if flag.category else flag.description
        for flag in red_flags.open_for_person(session, person_id)
    ]


def notify_if_complete(ctx: AppContext, person_id: int) -> bool:
    """After an update committed: when all six are complete, DM the PM and tell the TL (once each)."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
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
        tl_text = (
            f":tada: {agent.name} is ESP-complete (all six tracker items done). "
            f"{cohort.pm.name} (<@{pm}>) has been told they are ready for production."
        )
        if flags:
            tl_text += f" Open red flags: {len(flags)}."
    outbox.send_once(
        ctx.db,
        ctx.client,
        key=f"esp-complete:{person_id}:pm",
        kind="esp_complete",
        recipient=pm,
        text=pm_text,
        now=now,
    )
    if tl != pm:
        outbox.send_once(
            ctx.db,
            ctx.client,
            key=f"esp-complete:{person_id}:tl",
            kind="esp_complete",
            recipient=tl,
            text=tl_text,
            now=now,
        )
    return True
