"""Red-flag messages: the DM to the PM and every ESP manager (exactly once each, through the
outbox), the update of those DMs once the flag is resolved, the note to whoever raised it.

Each function opens its own units of work and runs after the ack.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.core.timefmt import show_for
from bot.services import outbox, red_flags
from db.models import RedFlag

log = logging.getLogger(__name__)


def card_of(
    flag: RedFlag, playbook_labels: dict[str, str] | None = None, reader_tz: str | None = None
) -> flag_blocks.FlagCard:
    """`reader_tz`: for a DM, the reader's zone (the class's time is shown beside it when they differ)."""
    tz = flag.cohort.timezone
    labels = playbook_labels or {}
    return flag_blocks.FlagCard(
        id=flag.id,
        agent_name=flag.person.name,
        agent_id=flag.person.slack_user_id,
        cohort_name=flag.cohort.name,
        raised_by=flag.raised_by.name,
        raised_at=show_for(flag.raised_at, reader_tz, tz),
        description=flag.description,
        category=labels.get(flag.category or "", flag.category),
        resolved_by=flag.resolved_by.name if flag.resolved_by else None,
        resolved_at=show_for(flag.resolved_at, reader_tz, tz) if flag.resolved_at else None,
        resolution=flag.resolution,
    )


def card(ctx: AppContext, flag: RedFlag, reader_tz: str | None = None) -> flag_blocks.FlagCard:
    return card_of(flag, {c.key: c.label for c in ctx.playbook.red_flags.categories}, reader_tz)


def notify(ctx: AppContext, flag_id: int) -> list[str]:
    """DM the cohort's PM and every ESP manager, once per flag and person; returns who was told."""
    with ctx.db.session() as session:
        flag = red_flags.get(session, flag_id)
        targets = [
            (
                p.id,
                p.slack_user_id,
                p.name,
                p.id == flag.cohort.pm_id,
                flag_blocks.flag_card(card(ctx, flag, p.timezone)),
            )
            for p in red_flags.recipients(session, flag, ctx.playbook)
        ]
    told = []
    for person_id, slack_id, name, is_pm, (text, blocks) in targets:
        key = f"redflag:{flag_id}:pm" if is_pm else f"redflag:{flag_id}:esp:{person_id}"
        outcome = outbox.send_once(
            ctx.db,
            ctx.client,
            key=key,
            kind="redflag.raised",
            recipient=slack_id,
            text=text,
            blocks=blocks,
            now=ctx.clock.now(),
        )
        if outcome.sent or outcome.duplicate:
            told.append(name)
    # A resolution that landed while the DMs were on their way found no message to update.
    refresh(ctx, flag_id, only_if_resolved=True)
    return told


def refresh(ctx: AppContext, flag_id: int, *, only_if_resolved: bool = False) -> None:
    """Show the flag's current state on every DM sent about it."""
    with ctx.db.session() as session:
        flag = red_flags.get(session, flag_id)
        if only_if_resolved and flag.is_open:
            return
        messages = [
            (channel, ts, flag_blocks.flag_card(card(ctx, flag, zone)))
            for channel, ts, zone in red_flags.sent_messages_to(session, flag_id)
        ]
    for channel, ts, (text, blocks) in messages:
        try:
            ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            # The resolution is recorded; a stale button is only cosmetic (pressing it says who resolved it).
            log.warning("could not update red flag %s message %s: %s", flag_id, ts, exc.response.get("error"))


def tell_raiser_resolved(ctx: AppContext, flag_id: int) -> None:
    with ctx.db.session() as session:
        flag = red_flags.get(session, flag_id)
        if flag.is_open or flag.resolved_by_id == flag.raised_by_id:
            return
        text, blocks = flag_blocks.resolved_for_raiser(card(ctx, flag, flag.raised_by.timezone))
        raiser = flag.raised_by.slack_user_id
    outbox.send_once(
        ctx.db,
        ctx.client,
        key=f"redflag:{flag_id}:resolved",
        kind="redflag.resolved",
        recipient=raiser,
        text=text,
        blocks=blocks,
        now=ctx.clock.now(),
    )
