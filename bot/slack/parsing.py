"""Parsing slash-command text. Commands are escaped (should_escape: true), so a mention arrives
as <@U123|handle> and a channel as <#C123|name>."""

from __future__ import annotations

import re
import shlex
from datetime import date

from bot.core.errors import InvalidInput
from bot.core.text import shorten

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")


def words(text: str | None) -> list[str]:
    try:
        return shlex.split(text or "")
    except ValueError:
        # An unbalanced quote is not worth refusing over; fall back to plain splitting.
        return (text or "").split()


def user_mention(token: str, usage: str) -> tuple[str, str | None]:
    """(user_id, handle) from <@U123|handle>; a clear message for anything else."""
    match = MENTION.match(token.strip())
    if not match:
        raise InvalidInput(
            f"`{token}` is not a mention of a person. Type @ and pick them from the list.\n{usage}"
        )
    return match.group(1), match.group(2)


# -- strict numbers and dates ------------------------------------------------------------
# Every table's id is a PostgreSQL integer: a larger one is no record of ours.
MAX_RECORD_ID = 2**31 - 1


def ascii_number(value: object, *, most: int) -> int | None:
    """The whole number from 1 to `most` that `value` spells in ASCII digits; None for anything
    else: `²` or `٣` (digits to isdigit(), not to int()), `1e3`, `-1`, `2.0`, and digit strings
    longer than `most` (20 digits would overflow a column, 5,000 would make int() refuse)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    if not text or len(text) > len(str(most)) or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= most else None


def whole_number(token: str, usage: str, what: str = "a number", *, most: int = 9999) -> int:
    """A positive whole number typed with ASCII digits (`²`, `1e3`, `2.0` and `-1` are refused)."""
    number = ascii_number(token, most=most)
    if number is None:
        raise InvalidInput(
            f"`{shorten(token.strip(), 20)}` is not {what}: type a whole number like `2`.\n{usage}"
        )
    return number


def record_id(value: object, refusal: str = "That button or form is out of date; nothing changed.") -> int:
    """A database id carried in a button value or a modal's metadata; `refusal` for anything else."""
    number = ascii_number(value, most=MAX_RECORD_ID)
    if number is None:
        raise InvalidInput(refusal)
    return number


def picked_date(value: object, *, earliest: date, latest: date) -> date | None:
    """A date picker's YYYY-MM-DD within [earliest, latest]; None for anything else (a forged
    `9999-12-31` would overflow once it is given a time and a zone)."""
    if not isinstance(value, str) or len(value) != 10 or not value.isascii():
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if earliest <= day <= latest else None
