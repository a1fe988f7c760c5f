"""Parsing slash-command text. Commands are escaped (should_escape: true), so a mention arrives
as <@U123|handle> and a channel as <#C123|name>."""

from __future__ import annotations

import re
import shlex

from bot.core.errors import InvalidInput

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


# -- strict numbers ------------------------------------------------------------------
def whole_number(token: str, usage: str, what: str = "a number", *, most: int = 9999) -> int:
    """A positive whole number typed with ASCII digits (`²`, `1e3`, `2.0` and `-1` are refused)."""
    text = token.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise InvalidInput(f"`{token}` is not {what}: type a whole number like `2`.\n{usage}")
    return int(text)
