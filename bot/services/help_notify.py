"""The help queue's messages: the TL's request card (exactly once, through the outbox), its
updates as the request is claimed and resolved, and the agent's breakout-room DM.

Each function opens its own units of work and runs after the ack, never inside a transaction
that is still writing the request.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.services import help_queue, outbox
from db.models import HelpRequest, Notification

log = logging.getLogger(__name__)


def staff_key(request_id: int) -> str:
    return f"help:{request_id}:staff"


def card(ctx: AppContext, request: HelpRequest) -> help_blocks.HelpCard:
    topic = help_queue.topic_by_key(ctx.playbook, request.topic_key)
    return help_blocks.card_of(request, topic.title if topic else None)


def notify_staff(ctx: AppContext, request_id: int) -> outbox.Outcome:
    """DM the class's TL the request with a Claim button, once per request.

    A DM rather than a post in the class channel: what an agent is stuck on is theirs, the
    queue is the TL's to work, and the card changes as it is claimed and resolved.
    """
    with ctx.db.session() as session:
        request = help_queue.get(session, request_id)
        _, waiting = help_queue.queue_position(session, request)
        text, blocks = help_blocks.request_card(card(ctx, request), waiting=waiting)
        tl_id = request.cohort.tl.slack_user_id
    outcome = outbox.send_once(
        ctx.db,
        ctx.client,
        key=staff_key(request_id),
        kind="help.request",
        recipient=tl_id,
        text=text,
        blocks=blocks,
        now=ctx.clock.now(),
    )
    if outcome.sent and outcome.channel_id and outcome.ts:
        with ctx.db.session() as session:
            help_queue.remember_staff_message(session, request_id, outcome.channel_id, outcome.ts)
        # A claim that landed while the card was on its way found no message to update.
        refresh_staff_message(ctx, request_id, only_if_changed=True)
    return outcome


def refresh_staff_message(ctx: AppContext, request_id: int, *, only_if_changed: bool = False) -> None:
    """Show the request's current state on the TL's card (claimed by, room, resolved)."""
    with ctx.db.session() as session:
        request = help_queue.get(session, request_id)
        if not request.tl_channel_id or not request.tl_message_ts:
            # The card may have gone out later, when the outbox retried a failed send.
            sent = session.scalar(
                select(Notification).where(
                    Notification.key == staff_key(request_id), Notification.status == "sent"
                )
            )
            if sent is None or not sent.channel_id or not sent.ts:
                return
            help_queue.remember_staff_message(session, request_id, sent.channel_id, sent.ts)
        if only_if_changed and request.status == "waiting":
            return
        text, blocks = help_blocks.request_card(card(ctx, request))
        channel, ts = request.tl_channel_id, request.tl_message_ts
        if not channel or not ts:
            return
    try:
        ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        # The claim is recorded and the agent told; a stale card is only cosmetic.
        log.warning(
            "could not update the help card for request %s: %s", request_id, exc.response.get("error")
        )


def tell_agent_claimed(ctx: AppContext, request_id: int) -> outbox.Outcome:
    """DM the agent which breakout room to join, once per request."""
    with ctx.db.session() as session:
        request = help_queue.get(session, request_id)
        assert request.claimed_by is not None and request.room is not None
        text, blocks = help_blocks.agent_claimed(
            room=request.room, claimer_id=request.claimed_by.slack_user_id
        )
        agent_id = request.person.slack_user_id
    return outbox.send_once(
        ctx.db,
        ctx.client,
        key=f"help:{request_id}:claimed",
        kind="help.claimed",
        recipient=agent_id,
        text=text,
        blocks=blocks,
        now=ctx.clock.now(),
    )
