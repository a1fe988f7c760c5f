"""The help queue's messages: the TL's request card (exactly once, through the outbox), its new
look as the request is claimed and resolved, and the agent's breakout-room DM.

Everything here runs inside a use case's unit of work: messages are enqueued (`work.notify`) and
sent after it commits; the card to update is returned, and the listener updates it after the
commit too (handlers/replies.py EditMessage).
"""

from __future__ import annotations

from bot.config.playbook import Playbook
from bot.core import outbox
from bot.core.context import AppContext
from bot.core.outbox import MessageEdit
from bot.core.unit_of_work import Work
from bot.help_queue import blocks as help_blocks
from bot.help_queue.types import HelpCard
from db.models import HelpRequest
from db.models.help_request import WAITING


def staff_key(request_id: int) -> str:
    return f"help:{request_id}:staff"


def card_of(request: HelpRequest, topic_title: str | None, reader_tz: str | None = None) -> HelpCard:
    """A HelpCard from a HelpRequest row (read inside its session)."""
    return HelpCard(
        request_id=request.id,
        agent_name=request.person.name,
        agent_id=request.person.slack_user_id,
        cohort_name=request.cohort.name,
        timezone=request.cohort.timezone,
        topic_title=topic_title,
        text=request.text,
        source=request.source,
        requested_at=request.requested_at,
        status=request.status,
        claimed_by_name=request.claimed_by.name if request.claimed_by else None,
        claimed_by_id=request.claimed_by.slack_user_id if request.claimed_by else None,
        claimed_at=request.claimed_at,
        room=request.room,
        resolved_by_name=request.resolved_by.name if request.resolved_by else None,
        resolved_by_id=request.resolved_by.slack_user_id if request.resolved_by else None,
        resolved_at=request.resolved_at,
        reader_tz=reader_tz,
    )


def card_for(playbook: Playbook, request: HelpRequest, reader_tz: str | None = None) -> HelpCard:
    topic = next((t for t in playbook.tech_issues.topics if t.key == request.topic_key), None)
    return card_of(request, topic.title if topic else None, reader_tz)


def card(ctx: AppContext, request: HelpRequest) -> HelpCard:
    """The card in the TL's own DMs (the end-of-day report): their clock."""
    return card_for(ctx.playbook, request, request.cohort.tl.timezone)


def tell_staff(work: Work, request: HelpRequest, waiting: int) -> None:
    """DM the class's TL the request with a Claim button, once per request.

    A DM rather than a post in the class channel: what an agent is stuck on is theirs, the
    queue is the TL's to work, and the card changes as it is claimed and resolved.
    """
    tl_zone = request.cohort.tl.timezone  # the card is the TL's DM: their clock
    text, blocks = help_blocks.request_card(card_for(work.playbook, request, tl_zone), waiting=waiting)
    work.notify(
        key=staff_key(request.id),
        kind="help.request",
        recipient=request.cohort.tl.slack_user_id,
        text=text,
        blocks=blocks,
    )


def tell_agent_claimed(work: Work, request: HelpRequest) -> None:
    """DM the agent which breakout room to join, once per request."""
    assert request.claimed_by is not None and request.room is not None
    text, blocks = help_blocks.agent_claimed(room=request.room, claimer_id=request.claimed_by.slack_user_id)
    work.notify(
        key=f"help:{request.id}:claimed",
        kind="help.claimed",
        recipient=request.person.slack_user_id,
        text=text,
        blocks=blocks,
    )


def staff_card_now(work: Work, request: HelpRequest) -> MessageEdit | None:
    """The TL's card as the request stands now: where it is (None while it has not reached Slack,
    in which case it will go out in this state)."""
    if request.status == WAITING:
        return None
    text, blocks = help_blocks.request_card(card_for(work.playbook, request, request.cohort.tl.timezone))
    outbox.rewrite_unsent(work.session, staff_key(request.id), "help.request", text, blocks)
    if not request.tl_channel_id or not request.tl_message_ts:
        # Known once it was sent (at once, or later when the outbox retried a failed send).
        sent = outbox.sent_to(work.session, staff_key(request.id))
        if sent is None:
            return None
        request.tl_channel_id, request.tl_message_ts = sent
        work.session.flush()
    assert request.tl_channel_id and request.tl_message_ts
    return MessageEdit(request.tl_channel_id, request.tl_message_ts, text, blocks)
