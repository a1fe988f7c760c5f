"""The database side of the Google Sheet sync: which agents are synced, what the bot's columns
should say for each, the queue of writes the sheet has yet to receive, what the bot last wrote and
read per cell, and the back-off and write budget. The network side is in sheet_push and sheet_pull.

Nothing here is told when the tracker changes: each push compares what the bot's columns should
say (from the tracker, attendance and red flags) with what it last wrote, and queues the
difference. So every way a value changes (a command, a form, a job, an edit by hand) reaches the
sheet, and the queue survives restarts because it is a table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.esp_tracker import service as esp
from bot.red_flags import service as red_flags
from bot.sheet_sync import layout
from bot.sheet_sync.playbook import SheetColumn
from db.models import Cohort, EspItem, SheetCell, SheetSyncState, SheetWrite

# At most this many write requests per push: an append, the row tags, the values, the protection.
WRITES_PER_PUSH = 4
WINDOW = timedelta(minutes=1)
FIRST_BACKOFF_SECONDS = 15
MAX_BACKOFF_SECONDS = 15 * 60
# A sheet that is missing, not shared, or whose key Google refuses is not retried every minute.
PERMANENT_BACKOFF_SECONDS = 10 * 60

CellKey = tuple[int, str]  # (person id, playbook header)

# A reserved cell per agent, no playbook column: the rows other than the agent's own that hold
# their ID, as last reported to the TL (so a copy of a row is told once while it stays).
COPIES_HEADER = "#training-day:copies"


@dataclass(frozen=True)
class SyncedAgent:
    person_id: int
    agent_id: str  # the value of the sheet's agent-ID column (the N-Number)
    name: str
    cohort_id: int
    cohort_name: str
    tl_slack_id: str
    timezone: str


@dataclass(frozen=True)
class PendingWrite:
    id: int
    person_id: int
    agent_id: str
    name: str
    header: str
    value: str


def synced_agents(session: Session, playbook: Playbook, now: datetime) -> list[SyncedAgent]:
    """Active agents with an agent ID, of classes not over more than `days_after_class` ago."""
    policy = playbook.sheet_sync
    agents = []
    for cohort in cohorts.all_cohorts(session):
        if _class_over(cohort, now) + timedelta(days=policy.days_after_class) < now.date():
            continue
        for person in cohorts.active_agents(session, cohort.id):
            agent_id = _agent_id(person.n_number)
            if agent_id:
                agents.append(
                    SyncedAgent(
                        person.id,
                        agent_id,
                        person.name,
                        cohort.id,
                        cohort.name,
                        cohort.tl.slack_user_id,
                        cohort.timezone,
                    )
                )
    return agents


def _agent_id(value: str | None) -> str:
    return (value or "").strip()


def _class_over(cohort: Cohort, now: datetime) -> date:
    return cohort.start_date + timedelta(days=max(cohort.days, 1) + 7)  # weekends fall inside


def bot_columns(playbook: Playbook) -> list[SheetColumn]:
    return [c for c in playbook.sheet_sync.columns if c.owner == "bot"]


def desired(session: Session, playbook: Playbook, agents: list[SyncedAgent]) -> dict[CellKey, str]:
    """What each synced agent's bot-owned cells should say, from a few queries per class."""
    policy = playbook.sheet_sync
    ids = [a.person_id for a in agents]
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    if ids:
        for row in session.scalars(select(EspItem).where(EspItem.person_id.in_(ids))):
            statuses[row.person_id][row.item] = row.status
    codes: dict[tuple[int, int], str] = {}
    notes: dict[int, list[str]] = defaultdict(list)
    for cohort_id, members in _by_cohort(agents).items():
        cohort = cohorts.by_id(session, cohort_id)
        for day in attendance.days_held(session, cohort_id):
            for agent_day in attendance.day_table(session, playbook, cohort, day):
                codes[(agent_day.person_id, day)] = agent_day.code_label
        wanted = {a.person_id for a in members}
        zone = ZoneInfo(cohort.timezone)
        for flag in red_flags.open_for_cohort(session, cohort_id):
            if flag.person_id in wanted:
                when = flag.raised_at.astimezone(zone)
                notes[flag.person_id].append(
                    f"{flag.raised_by.name} - {when.month}/{when.day}/{when.year} - {flag.description}"
                )
    values: dict[CellKey, str] = {}
    for agent in agents:
        for column in bot_columns(playbook):
            if column.source == "esp" and column.item in esp.ITEMS:
                status = statuses[agent.person_id].get(column.item, esp.NOT_STARTED)
                values[(agent.person_id, column.header)] = layout.word_for(policy, column, status)
            elif column.source == "attendance" and column.day is not None:
                values[(agent.person_id, column.header)] = codes.get((agent.person_id, column.day), "")
            elif column.source == "red_flags":
                values[(agent.person_id, column.header)] = "\n".join(notes[agent.person_id])
    return values


def _by_cohort(agents: list[SyncedAgent]) -> dict[int, list[SyncedAgent]]:
    grouped: dict[int, list[SyncedAgent]] = defaultdict(list)
    for agent in agents:
        grouped[agent.cohort_id].append(agent)
    return grouped


# -- the queue ----------------------------------------------------------------------------------
def cells_of(session: Session, person_ids: list[int]) -> dict[CellKey, SheetCell]:
    if not person_ids:
        return {}
    rows = session.scalars(select(SheetCell).where(SheetCell.person_id.in_(person_ids)))
    return {(c.person_id, c.header): c for c in rows}


def copies_cell(session: Session, person_id: int) -> SheetCell | None:
    return session.scalar(
        select(SheetCell).where(SheetCell.person_id == person_id, SheetCell.header == COPIES_HEADER)
    )


def queue_changes(session: Session, playbook: Playbook, now: datetime) -> int:
    """Queue every bot-owned cell whose value differs from what the bot last wrote; a queued
    value that changed again is replaced, one that changed back is dropped. Returns the queue's size."""
    agents = synced_agents(session, playbook, now)
    want = desired(session, playbook, agents)
    ids = [a.person_id for a in agents]
    cells = cells_of(session, ids)
    pending = (
        {
            (w.person_id, w.header): w
            for w in session.scalars(select(SheetWrite).where(SheetWrite.person_id.in_(ids)))
        }
        if ids
        else {}
    )
    for key, value in want.items():
        cell = cells.get(key)
        written = cell.written if cell is not None else None
        queued = pending.get(key)
        if value == written or (written is None and value == "" and queued is None):
            if queued is not None:
                session.delete(queued)
            continue
        if queued is None:
            session.add(SheetWrite(person_id=key[0], header=key[1], value=value, queued_at=now, attempts=0))
        elif queued.value != value:
            queued.value, queued.queued_at = value, now
    session.flush()
    return len(session.scalars(select(SheetWrite.id)).all())


def pending_writes(session: Session, playbook: Playbook, now: datetime) -> list[PendingWrite]:
    agents = {a.person_id: a for a in synced_agents(session, playbook, now)}
    owned = {c.header for c in bot_columns(playbook)}
    writes = []
    for row in session.scalars(select(SheetWrite).order_by(SheetWrite.id)):
        agent = agents.get(row.person_id)
        if agent is None or row.header not in owned:
            # No longer synced (left the class, lost the N-Number), or the playbook gave the column
            # to a team since: the bot never writes a column it does not own.
            session.delete(row)
            continue
        row.attempts += 1
        writes.append(PendingWrite(row.id, row.person_id, agent.agent_id, agent.name, row.header, row.value))
    session.flush()
    return writes


def mark_written(session: Session, writes: list[PendingWrite], now: datetime) -> None:
    """The sheet has these values: remember them, and drop the queued rows unless they changed since."""
    cells = cells_of(session, sorted({w.person_id for w in writes}))
    for write in writes:
        session.execute(delete(SheetWrite).where(SheetWrite.id == write.id, SheetWrite.value == write.value))
        cell = cells.get((write.person_id, write.header))
        if cell is None:
            cell = SheetCell(person_id=write.person_id, header=write.header)
            session.add(cell)
            cells[(write.person_id, write.header)] = cell
        cell.written, cell.written_at = write.value, now
        cell.disagreement, cell.disagreement_at = None, None
    session.flush()


# -- back-off and the write budget ---------------------------------------------------------------
def state_of(session: Session, spreadsheet_id: str) -> SheetSyncState:
    state = session.get(SheetSyncState, spreadsheet_id)
    if state is None:
        state = SheetSyncState(spreadsheet_id=spreadsheet_id, failures=0, window_writes=0)
        session.add(state)
        session.flush()
    return state


def waiting_until(state: SheetSyncState, now: datetime) -> datetime | None:
    return state.retry_at if state.retry_at is not None and now < state.retry_at else None


def writes_left(state: SheetSyncState, now: datetime, per_minute: int) -> int:
    if state.window_start is None or now - state.window_start >= WINDOW:
        return per_minute
    return per_minute - state.window_writes


def count_writes(state: SheetSyncState, now: datetime, requests: int) -> None:
    if state.window_start is None or now - state.window_start >= WINDOW:
        state.window_start, state.window_writes = now, 0
    state.window_writes += requests


def record_failure(
    state: SheetSyncState, now: datetime, error: str, *, transient: bool, retry_after: float | None
) -> datetime:
    state.failures += 1
    if transient:
        delay = max(
            retry_after or 0, min(FIRST_BACKOFF_SECONDS * 2 ** (state.failures - 1), MAX_BACKOFF_SECONDS)
        )
    else:
        delay = PERMANENT_BACKOFF_SECONDS
    state.retry_at = now + timedelta(seconds=delay)
    state.last_error = error[:2000]
    return state.retry_at


def record_success(state: SheetSyncState) -> None:
    state.failures, state.retry_at, state.last_error = 0, None, None
