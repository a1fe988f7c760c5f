from __future__ import annotations

from typing import Any

from bot.core.text import cut_mrkdwn, shorten

Block = dict[str, Any]

# Block Kit's limits: Slack refuses a message or a view past any of them (invalid_blocks).
SECTION_CHARS = 3000  # a section's text (and a context element's)
FIELD_CHARS = 2000
HEADER_CHARS = 150
BUTTON_CHARS = 75
BUTTON_VALUE_CHARS = 2000
URL_CHARS = 3000  # a button's url
CONTEXT_ELEMENTS = 10
SECTION_FIELDS = 10
ACTION_ELEMENTS = 25
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
# A message's text (its notification, and the whole of a message sent in plain form). Slack takes
# up to 40,000 characters, but clients cut a message that long; 3,900 reads whole everywhere.
PLAIN_TEXT_CHARS = 3900


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object within Slack's 3,000 characters. `verbatim`: Slack does not turn bare
    URLs, channel names or @here in it into links or mentions; only the bot's own `<…>` are."""
    return {"type": "mrkdwn", "text": cut_mrkdwn(text, SECTION_CHARS), "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> Block:
    flat = " ".join(text.split())
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": shorten(flat, HEADER_CHARS), "emoji": True},
    }


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str,
    style: str | None = None,
    *,
    url: str | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    """A button. `url` opens a page (Slack still sends the click, to be acked); `label` is what a
    screen reader says instead of the text, for a button whose text alone is ambiguous ("Excuse"
    on a card listing several agents)."""
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": shorten(text, BUTTON_CHARS), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    if url:
        element["url"] = url[:URL_CHARS]
    if label:
        element["accessibility_label"] = shorten(label, BUTTON_CHARS)
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id:
        block["block_id"] = block_id
    return block


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def link(url: str, title: str) -> str:
    return f"<{url}|{title}>"


def pack_lines(lines: list[str], limit: int = SECTION_CHARS) -> list[str]:
    """Lines joined into as few texts as fit in a section each."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def sections(lines: list[str]) -> list[Block]:
    """A list that grows with the class (one line per agent) as sections Slack accepts."""
    return [section(chunk) for chunk in pack_lines(lines)]


# -- fitting a whole message or view ----------------------------------------------------------------
def fit_blocks(blocks: list[Block] | None, limit: int = MESSAGE_BLOCKS) -> list[Block] | None:
    """Blocks within Slack's limits, whatever built them: every text cut to its cap, at most
    `limit` blocks. When there are too many, the buttons are kept (a DM's button may be the only
    place to act) and the last parts of the text give way to a note saying so."""
    if blocks is None:
        return None
    fitted = [_fit_block(b) for b in blocks]
    if len(fitted) <= limit:
        return fitted
    interactive = [i for i, b in enumerate(fitted) if _interactive(b)][: limit - 1]
    room = limit - 1 - len(interactive)
    wording = [i for i, b in enumerate(fitted) if not _interactive(b)][:room]
    last = wording[-1] if wording else -1
    note = context(
        f"…{len(fitted) - len(interactive) - len(wording)} more part(s) left out to fit Slack's limits; "
        "App Home and the /commands show the rest."
    )
    result = [note] if last == -1 else []
    for index in sorted(interactive + wording):
        result.append(fitted[index])
        if index == last:
            result.append(note)
    return result


def fit_view(view: dict[str, Any]) -> dict[str, Any]:
    """A modal or Home view within Slack's limits (100 blocks, texts to their caps)."""
    if not isinstance(view, dict) or "blocks" not in view:
        return view
    return view | {"blocks": fit_blocks(view["blocks"], VIEW_BLOCKS)}


def fit_text(text: str | None) -> str:
    """A message's `text` (what a notification shows) within what every client shows whole."""
    return cut_mrkdwn(text or "", PLAIN_TEXT_CHARS)


def _interactive(block: Block) -> bool:
    return block.get("type") in ("actions", "input") or bool(block.get("accessory"))


def _fit_text_object(obj: Any, limit: int) -> Any:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return obj
    text = obj["text"]
    if obj.get("type") == "mrkdwn":
        text = cut_mrkdwn(text, limit)
    else:
        text = shorten(text, limit)
    return obj | {"text": text}


def _fit_element(element: Any) -> Any:
    if not isinstance(element, dict):
        return element
    if element.get("type") == "button":
        fitted = element | {"text": _fit_text_object(element.get("text"), BUTTON_CHARS)}
        if isinstance(element.get("accessibility_label"), str):
            fitted["accessibility_label"] = shorten(element["accessibility_label"], BUTTON_CHARS)
        return fitted
    return element


def _fit_block(block: Block) -> Block:
    kind = block.get("type")
    fitted = dict(block)
    if kind == "section":
        if "text" in block:
            fitted["text"] = _fit_text_object(block["text"], SECTION_CHARS)
        if block.get("fields"):
            fitted["fields"] = [_fit_text_object(f, FIELD_CHARS) for f in block["fields"][:SECTION_FIELDS]]
        if block.get("accessory"):
            fitted["accessory"] = _fit_element(block["accessory"])
    elif kind == "header":
        fitted["text"] = _fit_text_object(block.get("text"), HEADER_CHARS)
    elif kind == "context":
        fitted["elements"] = [_fit_text_object(e, SECTION_CHARS) for e in block.get("elements", [])][
            :CONTEXT_ELEMENTS
        ]
    elif kind == "actions":
        fitted["elements"] = [_fit_element(e) for e in block.get("elements", [])][:ACTION_ELEMENTS]
    return fitted


# -- the plain form ----------------------------------------------------------------------------------
def plain_form(text: str | None, blocks: list[Block] | None) -> tuple[str, list[Block] | None]:
    """What is sent when Slack refuses a message's blocks even so: its words in one section with
    its buttons (the buttons a DM exists for survive), and the text alone as a last resort
    (`plain_form(...)[0]`)."""
    words = "\n".join(_words(blocks)) or (text or "")
    words = cut_mrkdwn(words, SECTION_CHARS - 80)
    if len(words) < len("\n".join(_words(blocks))):
        words += "\n_(Shortened to fit Slack; App Home and /commands show the rest.)_"
    buttons = [
        _fit_element(e)
        for b in blocks or []
        if b.get("type") == "actions"
        for e in b.get("elements", [])
        if isinstance(e, dict) and e.get("type") == "button"
    ] + [
        _fit_element(b["accessory"])
        for b in blocks or []
        if isinstance(b.get("accessory"), dict) and b["accessory"].get("type") == "button"
    ]
    plain: list[Block] = [section(words)]
    seen: set[str] = set()
    unique = []
    for element in buttons:
        key = f"{element.get('action_id')}:{element.get('value')}"
        if key not in seen:
            seen.add(key)
            unique.append(element)
    for start in range(0, min(len(unique), ACTION_ELEMENTS * 4), 5):
        plain.append({"type": "actions", "elements": unique[start : start + 5]})
    return fit_text(words), plain


def _words(blocks: list[Block] | None) -> list[str]:
    lines: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind in ("section", "header"):
            text = (block.get("text") or {}).get("text")
            if text:
                lines.append(f"*{text}*" if kind == "header" else text)
            lines += [f.get("text", "") for f in block.get("fields") or [] if isinstance(f, dict)]
        elif kind == "context":
            lines += [
                e.get("text", "") for e in block.get("elements", []) if isinstance(e, dict) and e.get("text")
            ]
    return lines
