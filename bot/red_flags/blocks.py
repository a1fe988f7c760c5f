"""Red-flag messages: the DM to the PM and ESP managers (open, then resolved), the Resolve modal,
the confirmation to whoever raised it."""

from __future__ import annotations

import json
from typing import Any

from bot.core.text import NOTE, escape, escape_line, name_list
from bot.red_flags.types import FlagCard
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, input_block, plain, section

USAGE = (
    "Type `/redflag @agent what happened`, optionally with a category first: "
    "`/redflag @agent background Misdemeanor found in the carrier's background check`. "
    "`/redflag list` shows the open ones."
)


def _summary(card: FlagCard) -> str:
    kind = f" ({card.category})" if card.category else ""
    return (
        f":triangular_flag_on_post: *Red flag{kind}: {escape_line(card.agent_name)}* (<@{card.agent_id}>), {escape_line(card.cohort_name)}\n"
        f">{escape(card.description)}\n"
        f"Raised by {escape_line(card.raised_by)}, {card.raised_at}."
    )


def flag_card(card: FlagCard) -> tuple[str, list[Block]]:
    """The DM sent at once; with a Resolve button while open, the resolution once resolved."""
    if card.resolved_at:
        text = f"Resolved: red flag for {escape_line(card.agent_name)}"
        return text, [
            section(_summary(card)),
            section(
                f":white_check_mark: *Resolved* by {escape_line(card.resolved_by or '')}, {card.resolved_at}:\n>{escape(card.resolution or '')}"
            ),
        ]
    text = f"Red flag for {escape_line(card.agent_name)}: {escape_line(card.description)}"
    return text, [
        section(_summary(card)),
        context("This may stop the agent from being appointed or selling. Resolve it when it is settled."),
        actions(
            button(
                "Resolve",
                ids.ACTION_REDFLAG_RESOLVE,
                str(card.id),
                style="primary",
                label=f"Resolve the red flag for {card.agent_name}",
            )
        ),
    ]


def raised(card: FlagCard, told: list[str]) -> list[Block]:
    """What the person who typed /redflag reads."""
    who = name_list(told) if told else "nobody (no PM or ESP manager is set up)"
    return [section(_summary(card)), context(f"Recorded. Told at once: {who}.")]


def resolved_for_raiser(card: FlagCard) -> tuple[str, list[Block]]:
    text = f"Red flag for {escape_line(card.agent_name)} resolved by {card.resolved_by}"
    return text, [
        section(
            f":white_check_mark: The red flag you raised for *{escape_line(card.agent_name)}* was resolved by "
            f"{escape_line(card.resolved_by or '')}, {card.resolved_at}:\n>{escape(card.resolution or '')}"
        )
    ]


def resolve_modal(card: FlagCard) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REDFLAG_RESOLVE,
        "private_metadata": json.dumps({"flag_id": card.id}),
        "title": plain("Resolve red flag"),
        "submit": plain("Resolve"),
        "close": plain("Cancel"),
        "blocks": [
            section(_summary(card)),
            input_block(
                ids.REDFLAG_RESOLUTION_BLOCK,
                "How was it resolved?",
                {
                    "type": "plain_text_input",
                    "action_id": ids.FIELD_INPUT,
                    "multiline": True,
                    "max_length": NOTE,
                },
                hint="Recorded with your name, and shown to the PM, the ESP managers and whoever raised it.",
            ),
        ],
    }


def open_list(scope: str, cards: list[FlagCard]) -> tuple[str, list[Block]]:
    """/redflag list: each open flag with its Resolve button."""
    if not cards:
        text = f"No open red flags in {scope}."
        return text, [section(f":white_check_mark: {text}")]
    text = f"Open red flags in {scope}: {len(cards)}"
    blocks: list[Block] = [section(f"*{text}*")]
    for card in cards[:MAX_LISTED]:
        blocks.append(section(_summary(card)))
        blocks.append(
            actions(
                button(
                    "Resolve",
                    ids.ACTION_REDFLAG_RESOLVE,
                    str(card.id),
                    style="primary",
                    label=f"Resolve the red flag for {card.agent_name}",
                )
            )
        )
    if len(cards) > MAX_LISTED:
        blocks.append(context(f"…and {len(cards) - MAX_LISTED} more; App Home lists them all."))
    return text, blocks


# Slack shows at most 50 blocks in a message; two per flag and the heading and the tail fit.
MAX_LISTED = 20


def already_resolved_modal(message: str) -> dict[str, Any]:
    """Shown in place of the Resolve modal when someone else resolved the flag first."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REDFLAG_RESOLVE + "_done",
        "title": plain("Already resolved"),
        "close": plain("OK"),
        "blocks": [section(f":information_source: {message}\nNothing was changed.")],
    }
