"""`training-day sheet check`: the playbook's mapping against the real sheet, changing nothing.

It reads the worksheet once (values.get) and the bot's row tags (developerMetadata.search) and
reports the columns found and missing, the agents matched to a row and those the first push will
append, the rows no agent matches, status words nobody mapped, and agent IDs on two rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.context import AppContext
from bot.sheet_sync import rows as sheet_rows
from bot.sheet_sync import service as sheet_sync
from bot.sheet_sync.client import open_tracker
from bot.sheet_sync.layout import Layout, cell, status_for


@dataclass
class CheckReport:
    worksheet: str
    columns_found: dict[str, str] = field(default_factory=dict)  # header -> column letter
    columns_missing: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # "Ana Ruiz (N1234567): row 2"
    to_append: list[str] = field(default_factory=list)
    unmatched_rows: list[str] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    tagged_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.columns_missing and not self.duplicates


def check(ctx: AppContext) -> CheckReport:
    policy = ctx.playbook.sheet_sync
    with ctx.db.session() as session:
        agents = {a.agent_id: a for a in sheet_sync.synced_agents(session, ctx.playbook, ctx.clock.now())}
    sheet = open_tracker(ctx.settings, policy.worksheet)
    grid = sheet.read_all()
    tags = sheet.tags()
    header = grid[0] if grid else []
    where = Layout.of(header, policy)
    report = CheckReport(worksheet=policy.worksheet, tagged_rows=len(tags))
    report.columns_found = {h: _letter(c) for h, c in where.positions.items()}
    report.columns_missing = where.missing
    if where.id_column is None:
        return report
    rows_of: dict[str, list[int]] = {}
    for number in range(2, len(grid) + 1):
        agent_id = cell(grid, number, where.id_column)
        if not agent_id and not any(str(v).strip() for v in grid[number - 1]):
            continue  # an empty row
        rows_of.setdefault(agent_id, []).append(number)
        if agent_id not in agents:
            name = cell(grid, number, where.name_column) if where.name_column else ""
            report.unmatched_rows.append(f"row {number}: {name or '(no name)'} ({agent_id or 'no ID'})")
    own = sheet_rows.resolve(
        [cell(grid, number, where.id_column) for number in range(1, len(grid) + 1)], tags, set(agents)
    )
    for agent_id, agent in sorted(agents.items(), key=lambda pair: pair[1].name):
        numbers = rows_of.get(agent_id)
        if numbers:
            report.matched.append(f"{agent.name} ({agent_id}): row {own.of.get(agent_id, numbers[0])}")
            if len(numbers) > 1:
                report.duplicates.append(f"{agent_id} is on rows {', '.join(map(str, numbers))}")
        else:
            report.to_append.append(f"{agent.name} ({agent_id})")
    for column in policy.columns:
        position = where.column(column.header)
        if column.source != "esp" or position is None:
            continue
        for number in range(2, len(grid) + 1):
            value = cell(grid, number, position)
            if value and status_for(policy, column, value) is None:
                report.unknown_words.append(f"{column.header} row {number}: {value!r}")
    return report


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
