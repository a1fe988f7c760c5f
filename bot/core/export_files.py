"""Tables written as files people open in Excel or Google Sheets (the tracker export, any other).

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
spreadsheet: an agent named `=HYPERLINK("https://evil.example/x","Eve")` would become a live link
in the file staff open. Every export goes through here, so every such cell is written as text: in
CSV with a leading apostrophe (what spreadsheets read as "this is text", and not shown), in XLSX as
a string cell with the quote prefix set (never a formula cell, and still text when edited)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_CHARS = 31  # Excel's limit on a worksheet's name
MAX_COLUMN_WIDTH = 60


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """A value as a CSV cell: text that a spreadsheet would run gets a leading apostrophe; numbers
    and other text are left as they are."""
    return "'" + value if is_formula_like(value) else value


def write_csv(table: Sequence[Sequence[Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in table:
            writer.writerow([safe_cell(value) for value in row])


def write_xlsx(table: Sequence[Sequence[Any]], path: Path, title: str) -> None:
    """The first row bold and frozen as the header; every text cell a string cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(title)
    for number, row in enumerate(table, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                # openpyxl makes any text beginning with "=" a formula cell; text is text here.
                cell.data_type = "s"
                if is_formula_like(value):
                    cell.quotePrefix = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in cells)
        sheet.column_dimensions[cells[0].column_letter].width = min(max(width + 2, 8), MAX_COLUMN_WIDTH)
    book.save(path)


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a worksheet's name.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Sheet"
    return cleaned[:SHEET_TITLE_CHARS]
