"""The People and roles modal, for admins."""

from __future__ import annotations

from typing import Any

from bot.core.text import NOTE
from bot.slack import ids
from bot.slack.blocks import context, input_block, plain


def roles_modal(choices: dict[str, str]) -> dict[str, Any]:
    options = [{"text": plain(label), "value": value} for value, label in choices.items()]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_PEOPLE_ROLES,
        "title": plain("People and roles"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            context(
                "Team leads and PMs run their own classes; ESP managers see red flags and reports "
                "across classes; admins may do everything, this included. Every change is recorded "
                "with who made it and why."
            ),
            input_block(
                ids.ROLES_PERSON_BLOCK, "Person", {"type": "users_select", "action_id": ids.FIELD_INPUT}
            ),
            input_block(
                ids.ROLES_ROLE_BLOCK,
                "Role",
                {"type": "static_select", "action_id": ids.FIELD_INPUT, "options": options},
            ),
            input_block(
                ids.ROLES_REASON_BLOCK,
                "Reason",
                {
                    "type": "plain_text_input",
                    "action_id": ids.FIELD_INPUT,
                    "max_length": NOTE,
                    "placeholder": plain("New TL for the January classes"),
                },
            ),
        ],
    }
