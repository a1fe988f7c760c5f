"""Reactions that reach us before the prompt they answer is known.

Slack can deliver a reaction to a prompt within milliseconds of the post, to any replica, before
the replica that posted it has recorded the post's ts (a loaded database commits slowly). Such a
reaction in a class channel is kept with the moment it arrived, and the attendance rules apply it
as of that moment once the prompt's ts is known: right after the post, and before every check
that reads the answers. Kept reactions that never match a prompt are dropped after a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Notification, PendingReaction

KEPT_FOR = timedelta(days=1)
# Longest channel/ts/user/reaction a row holds; anything longer is no reaction to a prompt of ours.
_LIMITS = {"channel_id": 32, "ts": 32, "user_id": 32, "reaction": 100}


def keep(
    session: Session, *, channel_id: str, ts: str, user_id: str, reaction: str, added: bool, now: datetime
) -> bool:
    """Keep a reaction to a message we do not know yet; False when it cannot be one of our prompts
    (a message we know, or values no prompt has)."""
    values = {"channel_id": channel_id, "ts": ts, "user_id": user_id, "reaction": reaction}
    if any(not value or len(value) > _LIMITS[name] for name, value in values.items()):
        return False
    known = session.scalar(
        select(Notification.id).where(Notification.channel_id == channel_id, Notification.ts == ts)
    )
    if known is not None:
        return False
    session.add(PendingReaction(**values, added=added, received_at=now))
    session.flush()
    return True


def matched(session: Session, channel_ids: list[str] | None = None) -> list[PendingReaction]:
    """Kept reactions whose message is now known, oldest first (locked, so two replicas applying at
    once apply each once; the answers themselves are unique anyway)."""
    stmt = (
        select(PendingReaction)
        .join(
            Notification,
            (Notification.channel_id == PendingReaction.channel_id) & (Notification.ts == PendingReaction.ts),
        )
        .order_by(PendingReaction.received_at, PendingReaction.id)
        .with_for_update(of=PendingReaction)
    )
    if channel_ids is not None:
        stmt = stmt.where(PendingReaction.channel_id.in_(channel_ids))
    return list(session.scalars(stmt))


def forget(session: Session, rows: list[PendingReaction], *, now: datetime) -> None:
    """Drop the applied rows, and any kept longer than a day (they matched no prompt)."""
    ids = [row.id for row in rows]
    if ids:
        session.execute(delete(PendingReaction).where(PendingReaction.id.in_(ids)))
    session.execute(delete(PendingReaction).where(PendingReaction.received_at < now - KEPT_FOR))
    session.flush()
