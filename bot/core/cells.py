"""Cells of the files people open in a spreadsheet (the tracker export): text that begins like a
formula (=, +, -, @, a tab or a carriage return) is written as text, never run. A name typed as
`=HYPERLINK(...)` in Slack must not become a link, or a command, on a manager's laptop."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def formula_safe(value: object) -> object:
    """A CSV cell: formula-like text gets a leading apostrophe, which spreadsheets read as "text"."""
    return "'" + value if isinstance(value, str) and formula_like(value) else value
