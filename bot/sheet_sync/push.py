"""Push: the bot's columns reach the team's sheet.

Each run queues what changed (sheet_sync.queue_changes), then, unless the sync is backing off or
this minute's write budget is spent, sends the whole queue in at most four write requests: one
values.append for agents the sheet lacks, one spreadsheets.batchUpdate tagging rows with developer
metadata, one values.batchUpdate with every cell, and once, the optional warning-only protection.

A row is the one the bot's tag points to, but only while that row's agent-ID cell still holds the
agent's ID; otherwise the ID column decides and the tag moves. Sorting, filtering or inserting rows
never sends a value into another agent's row. No unit of work stays open over a network call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.core.context import AppContext
from bot.sheet_sync import rows as sheet_rows
from bot.sheet_sync import service as sheet_sync
from bot.sheet_sync.client import SheetError, TrackerSheet, forget, open_tracker
from bot.sheet_sync.layout import Layout, cell
from bot.sheet_sync.service import PendingWrite

log = logging.getLogger(__name__)


@dataclass
class PushResult:
    queued: int = 0
    sent: int = 0  # cells the sheet received
    appended: list[str] = field(default_factory=list)  # agent IDs given a new row
    write_requests: int = 0
    skipped: str | None = None  # why nothing was sent ("backing off until ...", "budget", ...)
    error: str | None = None


def push(ctx: AppContext) -> PushResult:
    settings, policy = ctx.settings, ctx.playbook.sheet_sync
    if not settings.sheet_sync_enabled() or not settings.tracker_sheet_id:
        return PushResult(skipped="not configured")
    spreadsheet_id = settings.tracker_sheet_id
    now = ctx.clock.now()
    result = PushResult()
    with ctx.db.session() as session:
        result.queued = sheet_sync.queue_changes(session, ctx.playbook, now)
        state = sheet_sync.state_of(session, spreadsheet_id)
        until = sheet_sync.waiting_until(state, now)
        if until is not None:
            result.skipped = f"backing off until {until.isoformat()}"
            return result
        if sheet_sync.writes_left(state, now, policy.max_writes_per_minute) < sheet_sync.WRITES_PER_PUSH:
            result.skipped = "this minute's write budget is spent"
            return result
        protect = policy.protect_bot_columns and state.protected_at is None
        writes = sheet_sync.pending_writes(session, ctx.playbook, now) if result.queued else []
    if not writes and not protect:
        return result
    sent: list[PendingWrite] = []
    error: SheetError | None = None
    try:
        sheet = open_tracker(settings, policy.worksheet)
        sent = _send(sheet, ctx, writes, protect, result)
    except SheetError as exc:
        error = exc
        if not exc.transient:
            forget(settings, policy.worksheet)
    with ctx.db.session() as session:
        state = sheet_sync.state_of(session, spreadsheet_id)
        sheet_sync.count_writes(state, now, result.write_requests)
        if sent:
            sheet_sync.mark_written(session, sent, now)
        if error is None:
            sheet_sync.record_success(state)
            if protect:
                state.protected_at = now
        else:
            retry_at = sheet_sync.record_failure(
                state, now, str(error), transient=error.transient, retry_after=error.retry_after
            )
            result.error = str(error)
            log.warning(
                "sheet push failed (%s); %d write(s) stay queued until %s", error, len(writes), retry_at
            )
    result.sent = len(sent)
    return result


def _send(
    sheet: TrackerSheet, ctx: AppContext, writes: list[PendingWrite], protect: bool, result: PushResult
) -> list[PendingWrite]:
    """The network part; returns the writes the sheet now has."""
    policy = ctx.playbook.sheet_sync
    grid = sheet.read_all()
    where = Layout.of(grid[0] if grid else [], policy)
    if where.id_column is None:
        raise SheetError(f"the sheet has no {policy.agent_id_column!r} column to find agents by", status=400)
    placeable = [w for w in writes if where.column(w.header) is not None]
    for header in sorted({w.header for w in writes} - {w.header for w in placeable}):
        log.warning("sheet push: the sheet has no %r column; its values stay queued", header)
    rows, new_tags, stale = _rows_for(sheet, grid, where.id_column, placeable)

    by_agent: dict[str, list[PendingWrite]] = {}
    for write in placeable:
        by_agent.setdefault(write.agent_id, []).append(write)
    missing = [agent for agent in by_agent if agent not in rows]
    if missing:
        new_rows = []
        for agent in missing:
            row = [""] * where.width
            row[where.id_column - 1] = agent
            if where.name_column is not None:
                row[where.name_column - 1] = by_agent[agent][0].name
            for write in by_agent[agent]:
                column = where.column(write.header)
                if column is not None:
                    row[column - 1] = write.value
            new_rows.append(row)
        result.write_requests += 1
        numbers = sheet.append_rows(new_rows)
        for agent, number in zip(missing, numbers, strict=True):
            rows[agent] = number
            new_tags.append((agent, number))
        result.appended = missing
    if new_tags or stale:
        result.write_requests += 1
        sheet.retag(new_tags, stale)
    cells = [
        (rows[w.agent_id], where.column(w.header), w.value) for w in placeable if w.agent_id not in missing
    ]
    if cells:
        result.write_requests += 1
        sheet.write_cells([(r, c, v) for r, c, v in cells if c is not None])
    if protect:
        columns = [where.column(c.header) for c in sheet_sync.bot_columns(ctx.playbook)]
        result.write_requests += 1
        sheet.protect_columns(
            sorted(c for c in columns if c is not None),
            "Training Day writes this column; change it in Slack (/esp, /attendance, /redflag).",
        )
    return placeable


def _rows_for(
    sheet: TrackerSheet, grid: list[list[str]], id_column: int, writes: list[PendingWrite]
) -> tuple[dict[str, int], list[tuple[str, int]], list[int]]:
    """Each agent's row (sheet_sync.rows: the tagged one, never a copy); returns the rows, the tags
    to add and the stale tags."""
    ids = [cell(grid, number, id_column) for number in range(1, len(grid) + 1)]
    found = sheet_rows.resolve(ids, sheet.tags(), {w.agent_id for w in writes})
    return found.of, found.new_tags, found.stale_tags
