"""Free text from people: length caps that fit where the text is shown, and showing it safely.

Block Kit refuses a section over 3,000 characters, a modal field error over 150 and an option over
75. Input is refused above its cap with the limit named; text already stored is cut with an
ellipsis when shown, so an old record can never make a message unsendable."""

from __future__ import annotations

import re

from bot.core.errors import InvalidInput

# Caps on what people type, by what it is. Each leaves room for the rest of the message it is shown in.
NAME = 80  # a cohort's or a person's name
NOTE = 500  # a short note: a reason, a score note, a resolution
INCIDENT = 1500  # what happened, a red flag's description
EXPECTATION = 1000
SECTION = 3000  # Slack's limit for one section's text

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def require_length(text: str | None, limit: int, what: str, *, field: str | None = None) -> str:
    """The stripped text, or a refusal naming the limit (nothing is saved)."""
    cleaned = (text or "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(
            f"{what} is {len(cleaned):,} characters long; the limit is {limit:,}. Please shorten it. Nothing was saved.",
            field=field,
        )
    return cleaned


# mrkdwn has no escape for its formatting characters: in text from outside they become look-alikes
# that Slack does not read as markup (the same width, so caps still hold).
_LOOK_ALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
_EMOJI = re.compile(r"(:[a-z0-9][a-z0-9_+'-]*:)")
_SOFT_HYPHEN = "\u00ad"


def escape(text: str) -> str:
    """Text from outside (a Slack name, a sheet cell, a GoTo name, anything typed) as Slack shows it
    literally in mrkdwn: `<!channel>`, `<@U123>` and `<https://…|label>` stay inert text, `*bold*`,
    `_italic_`, `~strike~` and `` `code` `` stay as typed, a line cannot start a quote. Emoji codes
    (`:white_check_mark:`) still show as emoji. The one helper for it: every builder uses it."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parts = _EMOJI.split(text)
    text = "".join(part if index % 2 else part.translate(_LOOK_ALIKES) for index, part in enumerate(parts))
    # Slack reads "&gt;" at the start of a line as a quote; an invisible soft hyphen first stops it.
    return re.sub(r"(?m)^(\s*)&gt;", lambda m: f"{m.group(1)}{_SOFT_HYPHEN}&gt;", text)


def escape_line(text: str) -> str:
    """`escape` for text shown inline (a name, a cell's value): its line breaks and tabs become
    spaces, so it cannot start a line of its own that looks like the bot's."""
    return escape(" ".join(text.split()))


def cut_mrkdwn(text: str, limit: int) -> str:
    """mrkdwn cut to `limit` characters with an ellipsis, never inside a `<…>` link or mention or an
    `&amp;`-style entity (a half link would show as broken markup)."""
    if len(text) <= limit:
        return text
    cut = max(limit - 1, 0)
    opened, closed = text.rfind("<", 0, cut), text.rfind(">", 0, cut)
    if opened > closed:
        cut = opened
    amp = text.rfind("&", max(cut - 6, 0), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return text[:cut] + ELLIPSIS


def name_list(names: list[str] | tuple[str, ...], limit: int = 1500, *, rest: str = "") -> str:
    """Names (or any outside words) escaped and joined, as many as fit in `limit` characters; the
    others counted ("and 12 more"), with `rest` saying where they are all listed."""
    shown: list[str] = []
    used = 0
    for name in names:
        piece = escape_line(name)
        if shown and used + len(piece) + 2 > limit:
            break
        shown.append(piece)
        used += len(piece) + 2
    text = ", ".join(shown)
    left = len(names) - len(shown)
    if left:
        text += f" and {left} more" + (f" ({rest})" if rest else "")
    return text
