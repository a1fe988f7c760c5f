"""What the help queue shows: troubleshooting steps, the TL's request card, the claim modal,
the agent's breakout-room DM and the end-of-day summary."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bot.config.playbook import Guide
from bot.core.text import escape_line
from bot.help_queue.playbook import TechTopic
from bot.help_queue.types import HelpCard
from bot.slack import ids
from bot.slack.blocks import (
    Block,
    actions,
    button,
    context,
    header,
    input_block,
    link,
    plain,
    section,
    sections,
)

STILL_STUCK_TEXT_LIMIT = 300


def minutes(delta: timedelta) -> str:
    total = max(0, int(delta.total_seconds()))
    if total < 60:
        return f"{total} s"
    hours, mins = divmod(round(total / 60), 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


# -- /techissue --------------------------------------------------------------------------------
def still_stuck_value(topic_key: str | None, text: str) -> str:
    return json.dumps({"t": topic_key or "", "q": text.strip()[:STILL_STUCK_TEXT_LIMIT]})


def parse_still_stuck_value(value: str) -> tuple[str | None, str]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    return (str(data.get("t") or "") or None), str(data.get("q") or "")


def troubleshooting(
    topic: TechTopic | None,
    general: list[str],
    guide: Guide,
    *,
    asked: str,
    button_value: str | None,
    topics: list[TechTopic],
    staff_note: bool = True,
) -> list[Block]:
    """Steps for the matched topic (or the general checklist), the guide, and for agents a
    "Still stuck" button that puts them in the help queue."""
    if topic is not None:
        title, steps = topic.title, topic.steps
    else:
        title, steps = "General checklist", general
    blocks: list[Block] = [header(f"Tech issue: {title}")]
    if asked and topic is None:
        blocks.append(context(f"I did not recognise “{asked[:200]}”, so here is the general checklist."))
    blocks.append(section("\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))))
    blocks.append(context(f"More in the {link(guide.url, guide.title)} guide."))
    if topic is None and topics:
        blocks.append(context("I also know: " + ", ".join(f"`/techissue {t.keywords[0]}`" for t in topics)))
    if button_value is not None:
        blocks.append(
            section("Tried all of that and still stuck? Your team lead will pull you into a breakout room.")
        )
        blocks.append(
            actions(button("Still stuck", ids.ACTION_HELP_STILL_STUCK, button_value, style="danger"))
        )
    elif staff_note:
        blocks.append(
            context("Agents also get a *Still stuck* button here that puts them in the help queue.")
        )
    return blocks


def queued(*, created: bool, position: int, waiting: int, tl_id: str, asked_at: str) -> list[Block]:
    place = f"#{position} of {waiting} waiting" if position else "waiting"
    if created:
        text = (
            f":raising_hand: You're in the help queue ({place}). <@{tl_id}> will pull you into a "
            f"breakout room; I'll DM you which one."
        )
    else:
        text = (
            f":raising_hand: You're already in the help queue since {asked_at} ({place}). "
            f"Nothing changed; I'll DM you your breakout room."
        )
    return [section(text)]


def staff_queue(rows: list[tuple[str, HelpCard]], now: datetime) -> list[Block]:
    """For staff who type /needhelp: the queue is for agents; here is what is open."""
    blocks: list[Block] = [
        section(
            "The help queue is for agents: they join it with `/needhelp` or the *Still stuck* button after "
            "`/techissue`, and the team lead gets each request as a DM with a *Claim* button."
        )
    ]
    if not rows:
        blocks.append(context("Nobody in your classes is waiting for help right now."))
        return blocks
    lines = []
    for cohort_name, card in rows:
        if card.claimed_at is not None:
            state = f"with <@{card.claimed_by_id}> in breakout room {card.room}"
        else:
            state = f"waiting {minutes(now - card.requested_at)}"
        about = (
            f" — {escape_line(card.topic_title or card.text or '')}"
            if (card.topic_title or card.text)
            else ""
        )
        lines.append(f"• *{escape_line(card.agent_name)}* ({escape_line(cohort_name)}): {state}{about}")
    blocks.extend(sections(["*Open help requests*", *lines]))
    return blocks


# -- the TL's card -----------------------------------------------------------------------------
def request_card(card: HelpCard, *, waiting: int | None = None) -> tuple[str, list[Block]]:
    """The message staff get for a request, in its current state: text and blocks."""
    about = card.topic_title or "Needs help"
    said = f"\n> {escape_line(card.text)}" if card.text else ""
    via = {
        "techissue": "after the troubleshooting steps (/techissue)",
        "dm": "in a message to me",
    }.get(card.source, "with /needhelp")
    if card.status == "waiting":
        text = f"{escape_line(card.agent_name)} needs help: {about}"
        lines = [
            f":raising_hand: *{escape_line(card.agent_name)}* (<@{card.agent_id}>) needs help: *{about}*{said}",
            f"Asked {via} at {card.at(card.requested_at)} · {escape_line(card.cohort_name)}",
        ]
        if waiting and waiting > 1:
            lines.append(f"{waiting} agents are waiting.")
        blocks = [
            section("\n".join(lines[:1])),
            context(" · ".join(lines[1:])),
            actions(
                button(
                    "Claim",
                    ids.ACTION_HELP_CLAIM,
                    str(card.request_id),
                    style="primary",
                    label=f"Claim {card.agent_name}'s help request",
                )
            ),
        ]
        return text, blocks
    assert card.claimed_at is not None or card.resolved_at is not None
    waited = f" after {minutes(card.claimed_at - card.requested_at)}" if card.claimed_at else ""
    claimed = (
        (
            f":white_check_mark: Claimed by <@{card.claimed_by_id}> at {card.at(card.claimed_at)}{waited} · "
            f"breakout room {card.room}"
        )
        if card.claimed_at
        else ""
    )
    head = f"*{escape_line(card.agent_name)}* (<@{card.agent_id}>): *{about}*{said}"
    if card.status == "claimed":
        text = f"{escape_line(card.agent_name)}: claimed, breakout room {card.room}"
        return text, [
            section(head),
            context(claimed),
            actions(
                button(
                    "Mark resolved",
                    ids.ACTION_HELP_RESOLVE,
                    str(card.request_id),
                    label=f"Mark {card.agent_name}'s help request resolved",
                )
            ),
        ]
    assert card.resolved_at is not None
    resolved = f":heavy_check_mark: Resolved by <@{card.resolved_by_id}> at {card.at(card.resolved_at)}"
    text = f"{escape_line(card.agent_name)}: resolved"
    return text, [section(head), context(" · ".join(x for x in (claimed, resolved) if x))]


def claim_modal(card: HelpCard, max_room: int) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.VIEW_HELP_CLAIM,
        "private_metadata": json.dumps({"request_id": card.request_id}),
        "title": plain("Claim help request"),
        "submit": plain("Claim"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*{escape_line(card.agent_name)}*: {card.topic_title or card.text or 'needs help'}"),
            input_block(
                ids.HELP_ROOM_BLOCK,
                "Breakout room number",
                {
                    "type": "number_input",
                    "action_id": ids.FIELD_INPUT,
                    "is_decimal_allowed": False,
                    "min_value": "1",
                    "max_value": str(max_room),
                },
                hint=f"1 to {max_room}. I'll DM {escape_line(card.agent_name)} to join it with you.",
            ),
        ],
    }


def agent_claimed(*, room: int, claimer_id: str) -> tuple[str, list[Block]]:
    text = f"Join breakout room {room} with <@{claimer_id}>."
    return text, [
        section(f":door: *Join breakout room {room}* with <@{claimer_id}> in GoTo Training."),
        context(
            "In GoTo Training, open *Breakout rooms* and pick the room number; they are waiting for you."
        ),
    ]


# -- end of day --------------------------------------------------------------------------------
def end_of_day(
    *,
    requests: int,
    claimed: int,
    median_wait: timedelta | None,
    max_wait: timedelta | None,
    unclaimed: list[HelpCard],
) -> list[Block]:
    if requests == 0:
        return [section("*Help queue*: nobody asked for help today.")]
    lines = [f"*Help queue*: {requests} request{'s' if requests != 1 else ''}, {claimed} claimed."]
    if median_wait is not None and max_wait is not None:
        lines.append(f"Wait to be claimed: median {minutes(median_wait)}, longest {minutes(max_wait)}.")
    if unclaimed:
        lines.extend(
            f":warning: Never claimed: {escape_line(c.agent_name)} (since {c.at(c.requested_at)})"
            for c in unclaimed
        )
    return sections(lines)
