"""Pull: what the other teams record in the sheet moves the bot's tracker, and a bot-owned cell
someone typed over is reported to the class's TL once.

One run reads the header row, then every mapped column in one values.batchGet, and the bot's row
tags: each agent's values come from their own row only (sheet_sync.rows), so a copy of a row never
moves the tracker, and the TL hears of the copy once. A team-owned status
cell whose value changed since the last read sets the ESP item (audited as coming from the sheet,
with the value seen); the ESP-complete DM then goes through esp.notify_if_complete, whose outbox
keys send it once however the sixth item arrived. A bot-owned cell that differs from what the bot
wrote is a disagreement: the bot keeps its value and does not write it again (no edit war), and the
TL hears once per value typed, with a button to take the sheet's value.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.core import audit, budget, outbox
from bot.core.context import AppContext
from bot.esp_tracker import service as esp
from bot.sheet_sync import blocks as sheet_blocks
from bot.sheet_sync import rows as sheet_rows
from bot.sheet_sync import service as sheet_sync
from bot.sheet_sync.client import SheetError, forget, open_tracker
from bot.sheet_sync.layout import Layout, normal, same_meaning, status_for
from bot.sheet_sync.playbook import SheetColumn
from bot.sheet_sync.service import SyncedAgent
from db.models import Person, SheetCell

log = logging.getLogger(__name__)


@dataclass
class PullResult:
    rows_read: int = 0
    changed: list[str] = field(default_factory=list)  # "N1234567 TBT: Pass"
    disagreements: list[str] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)  # "N1234567: rows 2" (told to the TL this run)
    skipped: str | None = None
    error: str | None = None


def pull(ctx: AppContext) -> PullResult:
    settings, policy = ctx.settings, ctx.playbook.sheet_sync
    if not settings.sheet_sync_enabled() or not settings.tracker_sheet_id:
        return PullResult(skipped="not configured")
    spreadsheet_id = settings.tracker_sheet_id
    now = ctx.clock.now()
    with ctx.db.session() as session:
        state = sheet_sync.state_of(session, spreadsheet_id)
        until = sheet_sync.waiting_until(state, now)
        if until is not None:
            return PullResult(skipped=f"backing off until {until.isoformat()}")
        agents = {a.agent_id: a for a in sheet_sync.synced_agents(session, ctx.playbook, now)}
    if not agents:
        return PullResult(skipped="no synced agents")
    try:
        sheet = open_tracker(settings, policy.worksheet)
        where = Layout.of(sheet.read_header(), policy)
        if where.id_column is None:
            raise SheetError(f"the sheet has no {policy.agent_id_column!r} column", status=400)
        columns = [c for c in policy.columns if c.source != "other" and where.column(c.header) is not None]
        read = sheet.read_columns([where.id_column] + [where.column(c.header) or 0 for c in columns])
        tags = sheet.tags()
    except SheetError as exc:
        if not exc.transient:
            forget(settings, policy.worksheet)
        with ctx.db.session() as session:
            state = sheet_sync.state_of(session, spreadsheet_id)
            sheet_sync.record_failure(
                state, now, str(exc), transient=exc.transient, retry_after=exc.retry_after
            )
        log.warning("sheet pull failed: %s", exc)
        return PullResult(error=str(exc))
    ids, values = read[0], read[1:]
    # Each agent's own row only (the tagged one): a copy of the row never moves the tracker.
    found = sheet_rows.resolve(ids, tags, set(agents))
    seen: dict[tuple[str, str], str] = {}
    for agent_id, row in found.of.items():
        index = row - 1
        for column, column_values in zip(columns, values, strict=True):
            value = column_values[index] if index < len(column_values) else ""
            seen[(agent_id, column.header)] = value.strip()
    result = PullResult(rows_read=max(len(ids) - 1, 0))
    changed_people: set[int] = set()
    messages: list[str] = []
    with ctx.db.session() as session:
        cells = sheet_sync.cells_of(session, [a.person_id for a in agents.values()])
        for (agent_id, header), value in seen.items():
            agent = agents[agent_id]
            column = next(c for c in columns if c.header == header)
            cell = cells.get((agent.person_id, header))
            if cell is None and column.owner == "bot":
                continue  # never written by the bot: nothing to disagree with (and push creates it)
            if cell is None:
                cell = SheetCell(person_id=agent.person_id, header=header)
                session.add(cell)
            if column.owner == "team":
                if _take_team_value(session, ctx.playbook, agent, column, cell, value, now, result):
                    changed_people.add(agent.person_id)
            else:
                key = _check_bot_value(session, ctx.playbook, agent, column, cell, value, now, result)
                if key:
                    messages.append(key)
            cell.seen, cell.seen_at = value, now
        for agent in agents.values():
            key = _note_copies(
                session,
                ctx.playbook,
                agent,
                found.of.get(agent.agent_id),
                found.copies.get(agent.agent_id),
                now,
            )
            if key:
                messages.append(key)
                result.copies.append(
                    f"{agent.agent_id}: rows {', '.join(map(str, found.copies[agent.agent_id]))}"
                )
        state = sheet_sync.state_of(session, spreadsheet_id)
        sheet_sync.record_success(state)
        state.pulled_at = now
    if messages:
        outbox.deliver(ctx.db, ctx.client, messages, now)
    for person_id in sorted(changed_people):
        esp.notify_if_complete(ctx, person_id)
    return result


def _take_team_value(
    session: Session,
    playbook: Playbook,
    agent: SyncedAgent,
    column: SheetColumn,
    cell: SheetCell,
    value: str,
    now: datetime,
    result: PullResult,
) -> bool:
    """A team-owned status cell: a value new since the last read moves the tracker."""
    if column.source != "esp" or column.item not in esp.ITEMS:
        return False
    if cell.seen is not None and normal(cell.seen) == normal(value):
        return False
    if cell.seen is None and not value:
        return False  # a blank cell on first sight says nothing new
    status = status_for(playbook.sheet_sync, column, value)
    if status is None:
        result.unknown_words.append(f"{agent.agent_id} {column.header}: {value!r}")
        log.warning(
            "sheet pull: %r in %s for %s is not a mapped status word", value, column.header, agent.agent_id
        )
        return False
    person = session.get(Person, agent.person_id)
    assert person is not None
    changed = esp.set_status(
        session, person=person, item=column.item, status=status, actor=None, now=now, source="sheet"
    )
    if changed:
        audit.record(
            session,
            actor="sheet",
            action="esp.sheet_value",
            entity="person",
            entity_id=person.id,
            at=now,
            details={"header": column.header, "value": value, "item": column.item, "status": status},
        )
        result.changed.append(f"{agent.agent_id} {column.header}: {value}")
    return changed


def _check_bot_value(
    session: Session,
    playbook: Playbook,
    agent: SyncedAgent,
    column: SheetColumn,
    cell: SheetCell,
    value: str,
    now: datetime,
    result: PullResult,
) -> str | None:
    """A bot-owned cell: the bot keeps its value; a value typed over it is told to the TL once.
    Returns the outbox key of the message to send after the commit."""
    written = cell.written
    if written is None or (cell.written_at is not None and cell.written_at >= now):
        return None  # never written, or written after this read began
    if same_meaning(playbook.sheet_sync, column, value, written):
        cell.disagreement, cell.disagreement_at = None, None
        return None
    if cell.disagreement is not None and cell.disagreement == value:
        return None  # already told
    cell.disagreement, cell.disagreement_at = value, now
    session.flush()
    audit.record(
        session,
        actor="sheet",
        action="sheet.disagreement",
        entity="sheet_cell",
        entity_id=cell.id,
        at=now,
        details={"header": column.header, "sheet": value, "bot": written, "person_id": agent.person_id},
    )
    result.disagreements.append(f"{agent.agent_id} {column.header}: sheet {value!r}, bot {written!r}")
    takeable = column.source in ("esp", "attendance")
    text, blocks = sheet_blocks.disagreement(
        agent.name, agent.cohort_name, column.header, value, written, cell.id if takeable else None
    )
    digest = hashlib.sha256(value.encode()).hexdigest()[:12]
    key = f"sheet-disagreement:{cell.id}:{digest}"
    return budget.enqueue(
        session,
        playbook,
        key=key,
        kind="sheet_disagreement",
        recipient=agent.tl_slack_id,
        text=text,
        blocks=blocks,
        now=now,
    )


def _note_copies(
    session: Session,
    playbook: Playbook,
    agent: SyncedAgent,
    row: int | None,
    copies: list[int] | None,
    now: datetime,
) -> str | None:
    """Other rows holding the agent's ID: the TL hears once while they stay (a reserved cell keeps
    which rows were seen), again only after they were gone and came back. Returns the outbox key."""
    cell = sheet_sync.copies_cell(session, agent.person_id)
    if not copies or row is None:
        if cell is not None and cell.seen is not None:
            cell.seen, cell.seen_at = None, now
        return None
    rows_text = ", ".join(map(str, copies))
    if cell is None:
        cell = SheetCell(person_id=agent.person_id, header=sheet_sync.COPIES_HEADER)
        session.add(cell)
    if cell.seen is not None:
        cell.seen = rows_text  # already told; rows may have moved
        return None
    cell.seen, cell.seen_at = rows_text, now
    session.flush()
    audit.record(
        session,
        actor="sheet",
        action="sheet.duplicate_rows",
        entity="person",
        entity_id=agent.person_id,
        at=now,
        details={"agent_id": agent.agent_id, "row": row, "copies": copies},
    )
    text, blocks = sheet_blocks.copies(agent.name, agent.cohort_name, agent.agent_id, row, copies)
    key = f"sheet-copies:{agent.person_id}:{now.isoformat()}"
    return budget.enqueue(
        session,
        playbook,
        key=key,
        kind="sheet_copies",
        recipient=agent.tl_slack_id,
        text=text,
        blocks=blocks,
        now=now,
    )
