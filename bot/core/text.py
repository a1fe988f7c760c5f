"""Free text from people: length caps that fit where the text is shown, and showing it safely.

Block Kit refuses a section over 3,000 characters, a modal field error over 150 and an option over
75. Input is refused above its cap with the limit named; text already stored is cut with an
ellipsis when shown, so an old record can never make a message unsendable."""

from __future__ import annotations

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


def escape(text: str) -> str:
    """Text as Slack shows it literally: `<!channel>`, `<@U123>` and links in a name stay inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
