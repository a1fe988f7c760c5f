"""Where the playbook's columns are in the sheet as read, and what a cell's words mean.

Headers match whatever their case and spacing, so "call cert " in the sheet is the playbook's
"Call Cert". Rows and columns are 1-based, as the sheet numbers them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sheet_sync.playbook import SheetColumn, SheetSyncPolicy


def normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Layout:
    positions: dict[str, int]  # playbook header -> column
    id_column: int | None
    name_column: int | None
    missing: list[str]  # playbook headers the sheet lacks (the agent-ID column included)
    width: int

    @classmethod
    def of(cls, header_row: list[str], policy: SheetSyncPolicy) -> Layout:
        found: dict[str, int] = {}
        for index, text in enumerate(header_row, start=1):
            found.setdefault(normal(text), index)
        wanted = [c.header for c in policy.columns] + [policy.agent_id_column]
        if policy.name_column:
            wanted.append(policy.name_column)
        positions = {h: found[normal(h)] for h in wanted if normal(h) in found}
        return cls(
            positions=positions,
            id_column=positions.get(policy.agent_id_column),
            name_column=positions.get(policy.name_column) if policy.name_column else None,
            missing=[h for h in wanted if h not in positions],
            width=max([len(header_row), *positions.values()]),
        )

    def column(self, header: str) -> int | None:
        return self.positions.get(header)


def cell(grid: list[list[str]], row: int, column: int) -> str:
    if row - 1 < len(grid) and column - 1 < len(grid[row - 1]):
        return str(grid[row - 1][column - 1]).strip()
    return ""


def status_for(policy: SheetSyncPolicy, column: SheetColumn, value: str) -> str | None:
    """The bot's status a sheet word means in this column, or None for a word nobody mapped."""
    wanted = normal(value)
    for status, words in policy.words_for(column).items():
        if any(normal(w) == wanted for w in words):
            return status
    return None


def word_for(policy: SheetSyncPolicy, column: SheetColumn, status: str) -> str:
    words = policy.words_for(column).get(status) or [status.replace("_", " ").title()]
    return words[0]


def same_meaning(policy: SheetSyncPolicy, column: SheetColumn, a: str, b: str) -> bool:
    """Two cell values that say the same thing ("Done" and "Complete" for a status column)."""
    if normal(a) == normal(b):
        return True
    if column.source == "esp":
        first = status_for(policy, column, a)
        return first is not None and first == status_for(policy, column, b)
    return False
