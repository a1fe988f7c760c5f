"""The Notification settings modal, opened from a person's Home."""

from __future__ import annotations

from typing import Any

from bot.core.text import escape_line
from bot.home.settings import KIND_LABELS, Settings
from bot.slack import ids
from bot.slack.blocks import context, input_block, plain, section


def settings_modal(settings: Settings) -> dict[str, Any]:
    options = [{"text": plain(label), "value": kind} for kind, label in KIND_LABELS.items()]
    chosen = [o for o in options if o["value"] in settings.folded]
    kinds: dict[str, Any] = {"type": "multi_static_select", "action_id": ids.FIELD_INPUT, "options": options}
    if chosen:
        kinds["initial_options"] = chosen
    quiet_from: dict[str, Any] = {"type": "timepicker", "action_id": ids.FIELD_INPUT}
    quiet_until: dict[str, Any] = {"type": "timepicker", "action_id": ids.FIELD_INPUT}
    if settings.quiet:
        quiet_from["initial_time"], quiet_until["initial_time"] = settings.quiet
    return {
        "type": "modal",
        "callback_id": ids.VIEW_NOTIFICATION_SETTINGS,
        "title": plain("Notification settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                "Red flags, help requests and anything someone is waiting on always come at once. "
                "What you tick below waits for your digest instead: one message at each digest time, "
                "with every line's buttons. Untick everything to get each alert at once."
            ),
            input_block(ids.NOTIFY_KINDS_BLOCK, "In my digest", kinds, optional=True),
            input_block(
                ids.NOTIFY_MOMENTS_BLOCK,
                "Digest times",
                {
                    "type": "plain_text_input",
                    "action_id": ids.FIELD_INPUT,
                    "max_length": 120,
                    "initial_value": ", ".join(settings.moments),
                },
                optional=True,
                hint="On your class's clock, separated by commas (10:15, 12:30, 17:00). Empty: after each "
                "break and at day end.",
            ),
            input_block(ids.NOTIFY_QUIET_FROM_BLOCK, "Quiet hours from", quiet_from, optional=True),
            input_block(ids.NOTIFY_QUIET_UNTIL_BLOCK, "Quiet hours until", quiet_until, optional=True),
            context(
                f"Quiet hours are on your own clock ({escape_line(settings.timezone)}); what comes then "
                "waits for their end, except what is urgent."
            ),
        ],
    }


def saved_text(settings: Settings) -> str:
    folded = len(settings.folded)
    how = (
        f"{folded} kind{'s' if folded != 1 else ''} of update in your digest at {', '.join(settings.moments)}"
        if folded
        else "every alert at once"
    )
    quiet = f"; quiet from {settings.quiet[0]} to {settings.quiet[1]}" if settings.quiet else ""
    return f":white_check_mark: Notification settings saved: {how}{quiet}."
