"""A class's roster as the team's sheet has it: rows pasted from the spreadsheet (tab-separated, as
Google Sheets and Excel copy them, or comma-separated), or a CSV or XLSX file. Pure parsing: the
rows come out as text cells with the row number the person sees in their sheet; the checks are
bot/cohorts/roster_check.py's.

Columns, in this order unless a header row names them: Slack user (member ID, mention or email),
name, N-Number, NPN, email (optional). A header row is optional and may list the columns in any
order, with other columns of the sheet among them (those are ignored)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.core.errors import InvalidInput

# Slack's limit for a plain_text_input; what does not fit goes in a file.
MAX_TEXT = 3000
# A class is 30 agents, a large one 200 (the Home is built to show that many): room, not a paragraph.
MAX_ROWS = 250
MAX_FILE_BYTES = 1_000_000
MAX_COLUMNS = 40

COLUMNS = ("slack", "name", "n_number", "npn", "email")
REQUIRED = ("slack", "n_number", "npn")
COLUMN_NAMES = {
    "slack": "Slack user",
    "name": "name",
    "n_number": "N-Number",
    "npn": "NPN",
    "email": "email",
}
# What a sheet's header cell may say for each column (lower case, letters and digits only).
HEADER_WORDS = {
    "slack": {
        "slack",
        "slackuser",
        "slackid",
        "slackmember",
        "slackmemberid",
        "memberid",
        "user",
        "userid",
        "slackhandle",
        "mention",
    },
    "name": {"name", "agent", "agentname", "fullname", "legalname"},
    "n_number": {"nnumber", "nnum", "nno", "n", "nid"},
    "npn": {"npn", "npnnumber", "nationalproducernumber"},
    "email": {"email", "emailaddress", "mail", "workemail"},
}
USAGE = (
    "Paste one agent a line: Slack user (member ID like U0AG0001, or their email), name, N-Number, "
    "NPN, and email if you have it, separated by tabs (as copied from the sheet) or commas."
)


@dataclass(frozen=True)
class RawRow:
    number: int  # the row as the person sees it: the line pasted, or the sheet's row
    cells: dict[str, str]  # column -> text ("" when empty)
    problem: str | None = None  # the row itself cannot be read (too many or too few cells)


@dataclass(frozen=True)
class Roster:
    rows: list[RawRow]
    source: str  # "pasted rows", "roster.xlsx"
    header: bool


def from_text(text: str) -> Roster:
    """Rows pasted into the modal."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"The pasted rows are over {MAX_TEXT:,} characters: attach the sheet as a file instead."
        )
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    delimiter = "\t" if any("\t" in line for line in lines) else _delimiter(lines)
    table = list(csv.reader(lines, delimiter=delimiter))
    return _roster(table, "pasted rows")


def from_file(name: str, content: bytes) -> Roster:
    """An attached CSV or XLSX file (its first sheet)."""
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput(
            f"{_safe(name)} is {len(content) / 1_000_000:.1f} MB; a roster file may be at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB."
        )
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return _roster(_xlsx_table(name, content), _safe(name))
    if lowered.endswith((".csv", ".tsv", ".txt")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        delimiter = (
            "\t" if lowered.endswith(".tsv") or any("\t" in line for line in lines) else _delimiter(lines)
        )
        return _roster(list(csv.reader(lines, delimiter=delimiter)), _safe(name))
    raise InvalidInput(
        f"{_safe(name)} is not a CSV or XLSX file: export the sheet as .csv or .xlsx and attach that."
    )


def _delimiter(lines: list[str]) -> str:
    # Excel in some locales writes semicolons; a comma is the default everywhere else.
    sample = [line for line in lines if line.strip()][:5]
    if sample and all(line.count(";") > line.count(",") for line in sample):
        return ";"
    return ","


def _xlsx_table(name: str, content: bytes) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput(
            f"{_safe(name)} could not be read as an XLSX workbook ({type(exc).__name__})."
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        table: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            table.append([_cell(v) for v in values])
            if len(table) > MAX_ROWS + 50:
                break
        return table
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an NPN typed as a number reads back as 19283746.0
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _roster(table: list[list[str]], source: str) -> Roster:
    numbered = [(n, [c.strip() for c in row]) for n, row in enumerate(table, start=1)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise InvalidInput(f"There are no rows in the {source}. {USAGE}")
    columns = _header_columns(numbered[0][1])
    header = columns is not None
    if columns is None:
        columns = {index: column for index, column in enumerate(COLUMNS)}
    else:
        missing = [COLUMN_NAMES[c] for c in REQUIRED if c not in columns.values()]
        if missing:
            raise InvalidInput(
                f"The header row of the {source} has no {' or '.join(missing)} column. "
                "Name the columns Slack user, name, N-Number, NPN, email (any order), or leave the header out."
            )
        numbered = numbered[1:]
    if len(numbered) > MAX_ROWS:
        raise InvalidInput(f"The {source} has {len(numbered)} rows; a roster may have at most {MAX_ROWS}.")
    rows = [_row(number, cells, columns, header) for number, cells in numbered]
    if not rows:
        raise InvalidInput(f"The {source} has a header row and no agents under it.")
    return Roster(rows=rows, source=source, header=header)


def _row(number: int, cells: list[str], columns: dict[int, str], header: bool) -> RawRow:
    values = {column: "" for column in COLUMNS}
    for index, column in columns.items():
        if index < len(cells):
            values[column] = cells[index]
    problem = None
    filled = len(cells) - next((i for i, c in enumerate(reversed(cells)) if c), len(cells))
    if not header and filled > len(COLUMNS):
        problem = f"has {filled} columns; expected Slack user, name, N-Number, NPN and (optional) email"
    elif not header and filled < 4:
        problem = f"has {filled} column{'s' if filled != 1 else ''}; expected Slack user, name, N-Number, NPN"
    return RawRow(number=number, cells=values, problem=problem)


def _header_columns(cells: list[str]) -> dict[int, str] | None:
    """column index -> column, when these cells are a header row; None when they are an agent."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = re.sub(r"[^a-z0-9]", "", cell.lower())
        for column, words in HEADER_WORDS.items():
            if key in words and column not in found.values():
                found[index] = column
                break
    if "@" in "".join(cells) or any(re.fullmatch(r"<?@?[UW][A-Z0-9]{2,}(\|[^>]*)?>?", c) for c in cells):
        return None  # a real row: someone's email or member ID
    return found if len(found) >= 2 else None


def _safe(name: str) -> str:
    """A file name as shown back: no markup, no paths, not a paragraph."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[<>&*_`~|]", "", base)[:80]
    return cleaned or "the file"
