"""Reading a submitted modal's values. Every block has one input (action id `ids.FIELD_INPUT`);
a missing block, or a value of the wrong type in a forged payload, reads as empty."""

from __future__ import annotations

import json
from typing import Any

from bot.core.errors import InvalidInput
from bot.slack import ids
from bot.slack.parsing import record_id as record_id  # the one ID parser, where forms read theirs

STALE_FORM = "This form is out of date or was changed on the way; please open it again. Nothing was saved."


class ViewState:
    def __init__(self, view: dict[str, Any]) -> None:
        state = view.get("state") if isinstance(view, dict) else None
        values = state.get("values") if isinstance(state, dict) else None
        self._values: dict[str, Any] = values if isinstance(values, dict) else {}
        self._metadata = view.get("private_metadata") if isinstance(view, dict) else None

    def element(self, block_id: str) -> dict[str, Any]:
        block = self._values.get(block_id)
        element = block.get(ids.FIELD_INPUT) if isinstance(block, dict) else None
        return element if isinstance(element, dict) else {}

    def text(self, block_id: str) -> str:
        value = self.element(block_id).get("value")
        return value if isinstance(value, str) else ""

    def option(self, block_id: str) -> str:
        option = self.element(block_id).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else ""

    def options(self, block_id: str) -> list[str]:
        chosen = self.element(block_id).get("selected_options")
        if not isinstance(chosen, list):
            return []
        return [o["value"] for o in chosen if isinstance(o, dict) and isinstance(o.get("value"), str)]

    def user(self, block_id: str) -> str:
        value = self.element(block_id).get("selected_user")
        return value if isinstance(value, str) else ""

    def date(self, block_id: str) -> str:
        value = self.element(block_id).get("selected_date")
        return value if isinstance(value, str) else ""

    def files(self, block_id: str) -> list[dict[str, Any]]:
        files = self.element(block_id).get("files")
        return (
            [f for f in files if isinstance(f, dict) and isinstance(f.get("id"), str)]
            if isinstance(files, list)
            else []
        )

    def metadata(self) -> dict[str, Any]:
        """The modal's private_metadata as a JSON object; a refusal for anything else (forged or stale)."""
        if not self._metadata:
            return {}
        try:
            data = json.loads(self._metadata)
        except (TypeError, ValueError):
            raise InvalidInput(STALE_FORM) from None
        if not isinstance(data, dict):
            raise InvalidInput(STALE_FORM)
        return data


STALE_BUTTON = "That button is out of date or was changed on the way; nothing changed."


def button_data(value: object) -> dict[str, Any]:
    """A button's JSON value as an object; a refusal for anything else (forged or truncated)."""
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise InvalidInput(STALE_BUTTON)
    return data
