"""Messages that must go exactly once (G2T link, MIA alert, PM DM, ...).

The claim (a row with a unique key) is committed before the message is sent, so two racing
callers or a retried event cannot both send. A send that fails is recorded and retried by
`retry_failed`; it is never silently dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core import audit, metrics
from bot.core.errors import Conflict, NotFound
from bot.slack.blocks import fit_blocks, fit_text, plain_form
from db.models import DigestLine, Notification
from db.session import Database, rows_matched

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A message enqueued by a unit of work that committed but whose process died before sending it
# is picked up by `retry_failed` once it has waited this long.
ORPHAN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Outcome:
    key: str
    sent: bool
    duplicate: bool = False
    error: str | None = None
    channel_id: str | None = None
    ts: str | None = None


def send_once(
    db: Database,
    client: WebClient,
    *,
    key: str,
    kind: str,
    recipient: str,
    text: str,
    now: datetime,
    blocks: list[dict[str, Any]] | None = None,
    expires_at: datetime | None = None,
) -> Outcome:
    """Post `text` to a user (DM) or channel once per `key`, whatever happens around it.

    `expires_at`: the moment after which a failed send is no longer retried (a prompt posted
    late would mislead more than it helps)."""
    try:
        with db.session() as session:
            session.add(
                Notification(
                    key=key,
                    kind=kind,
                    recipient=recipient,
                    text=text,
                    blocks=blocks,
                    status="sending",
                    attempts=0,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
    except IntegrityError:
        return Outcome(key=key, sent=False, duplicate=True)
    return _deliver(db, client, key, now)


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    text: str,
    now: datetime,
    blocks: list[dict[str, Any]] | None = None,
    expires_at: datetime | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Write a message to send once its unit of work commits (`deliver`); False when the key exists.

    Written in the same transaction as the records it tells of, so a rolled-back write sends
    nothing and a committed one cannot lose its message. With `due_at` it waits (held) until then
    (`release_due`)."""
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return False
    session.add(
        Notification(
            key=key,
            kind=kind,
            recipient=recipient,
            text=text,
            blocks=blocks,
            status="held" if due_at is not None and due_at > now else "pending",
            attempts=0,
            created_at=now,
            expires_at=expires_at,
            due_at=due_at,
        )
    )
    session.flush()
    return True


def deliver(db: Database, client: WebClient, keys: list[str], now: datetime) -> list[Outcome]:
    """Send the pending messages with these keys, and show again those sent that changed since
    (stale); each is claimed first, so it goes once. Held ones wait for their time."""
    outcomes = []
    for key in dict.fromkeys(keys):
        with db.session() as session:
            claimed = rows_matched(
                session.execute(
                    update(Notification)
                    .where(Notification.key == key, Notification.status == "pending")
                    .values(status="sending")
                )
            )
        if claimed:
            outcomes.append(_deliver(db, client, key, now))
            continue
        with db.session() as session:
            stale = rows_matched(
                session.execute(
                    update(Notification)
                    .where(Notification.key == key, Notification.status == "stale")
                    .values(status="updating")
                )
            )
        if stale:
            outcomes.append(_update(db, client, key))
    return outcomes


def next_due(db: Database, until: datetime) -> datetime | None:
    """The earliest time a held message waits for, up to `until`."""
    with db.session() as session:
        return session.scalar(
            select(func.min(Notification.due_at)).where(
                Notification.status == "held", Notification.due_at <= until
            )
        )


def release_due(db: Database, client: WebClient, now: datetime) -> list[Outcome]:
    """Send what waited for this moment (digests, messages held through quiet hours)."""
    with db.session() as session:
        keys = list(
            session.scalars(
                select(Notification.key)
                .where(Notification.status == "held", Notification.due_at <= now)
                .order_by(Notification.id)
            )
        )
        if keys:
            session.execute(
                update(Notification)
                .where(Notification.key.in_(keys), Notification.status == "held")
                .values(status="pending")
                .execution_options(synchronize_session=False)
            )
    return deliver(db, client, keys, now)


def recipient_of(db: Database, key: str) -> str | None:
    with db.session() as session:
        return session.scalar(select(Notification.recipient).where(Notification.key == key))


def already_sent(db: Database, key: str) -> bool:
    """A message was written under `key`: on its own, or as a line of a digest."""
    with db.session() as session:
        if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
            return True
        return session.scalar(select(DigestLine.id).where(DigestLine.key == key)) is not None


def retry_failed(db: Database, client: WebClient, now: datetime) -> list[Outcome]:
    """Send again whatever failed before, and what a dead process enqueued but never sent; each row
    is claimed first so two runs never double-send. Also what waited for now, and updates in place
    that did not go through."""
    released = release_due(db, client, now)
    with db.session() as session:
        stale = list(session.scalars(select(Notification.key).where(Notification.status == "stale")))
    released += deliver(db, client, stale, now)
    with db.session() as session:
        keys = list(
            session.scalars(
                select(Notification.key)
                .where(
                    ((Notification.status == "failed") & (Notification.attempts < MAX_ATTEMPTS))
                    | ((Notification.status == "pending") & (Notification.created_at < now - ORPHAN_AFTER))
                )
                .order_by(Notification.id)
            )
        )
    with db.session() as session:
        expired = (
            session.execute(
                update(Notification)
                .where(
                    Notification.key.in_(keys),
                    Notification.status.in_(("failed", "pending")),
                    Notification.expires_at < now,
                )
                .values(status="expired")
                .returning(Notification.key)
            )
            .scalars()
            .all()
        )
    for key in expired:
        log.warning("not retrying %s: it expired before it could be sent", key)
    outcomes = []
    for key in keys:
        if key in expired:
            continue
        with db.session() as session:
            claimed = rows_matched(
                session.execute(
                    update(Notification)
                    .where(Notification.key == key, Notification.status.in_(("failed", "pending")))
                    .values(status="sending")
                )
            )
        if claimed:
            outcomes.append(_deliver(db, client, key, now))
    return released + outcomes


# -- the operator's view: `training-day outbox list|retry` --------------------------------
UNSENT = ("pending", "sending", "failed", "dead", "expired")
# What an operator may send again: whatever never reached Slack. `sending` is not among them: its
# process may have posted it and died before recording so, and a message is never sent twice.
RESENDABLE = ("pending", "failed", "dead", "expired")


@dataclass(frozen=True)
class Listed:
    key: str
    kind: str
    recipient: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None


def listing(
    db: Database, *, statuses: tuple[str, ...] = UNSENT, kind: str | None = None, limit: int = 200
) -> list[Listed]:
    """The messages in these states (oldest first), optionally of one kind."""
    stmt = select(Notification).where(Notification.status.in_(statuses))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    with db.session() as session:
        return [
            Listed(
                key=row.key,
                kind=row.kind,
                recipient=row.recipient,
                status=row.status,
                attempts=row.attempts,
                last_error=row.last_error,
                created_at=row.created_at,
                sent_at=row.sent_at,
                expires_at=row.expires_at,
            )
            for row in session.scalars(stmt.order_by(Notification.id).limit(limit))
        ]


def resend(db: Database, client: WebClient, key: str, *, now: datetime, actor: str) -> Outcome:
    """Send one message that never reached Slack, once more, whatever its attempts or expiry: an
    operator's decision, audited. A sent message is refused (never sent twice), and so is one
    being sent right now."""
    with db.session() as session:
        row = session.scalar(select(Notification).where(Notification.key == key))
        if row is None:
            raise NotFound(f"no message has the key {key!r}: see `training-day outbox list`.")
        if row.status == "sent":
            at = f" at {row.sent_at:%Y-%m-%d %H:%M} UTC" if row.sent_at else ""
            raise Conflict(f"{key} was sent{at}; a message is never sent twice.")
        if row.status not in RESENDABLE:
            raise Conflict(
                f"{key} is being sent ({row.status}): a process claimed it and may have posted it. "
                "Check the recipient's messages in Slack before doing anything else."
            )
        before = {"status": row.status, "attempts": row.attempts, "last_error": row.last_error}
        claimed = rows_matched(
            session.execute(
                update(Notification)
                .where(Notification.key == key, Notification.status == row.status)
                .values(status="sending")
            )
        )
        if not claimed:
            raise Conflict(
                f"{key} changed while being looked at (another process sent it?); nothing was done."
            )
        audit.record(
            session,
            actor=actor,
            action="outbox.resend",
            entity="notification",
            entity_id=key,
            at=now,
            details=before,
        )
    log.info("%s asked to send %s again (it was %s)", actor, key, before["status"])
    return _deliver(db, client, key, now)


def resendable_failures(db: Database) -> list[str]:
    """The keys of every message that failed, for now or for good, oldest first."""
    with db.session() as session:
        return list(
            session.scalars(
                select(Notification.key)
                .where(Notification.status.in_(("failed", "dead")))
                .order_by(Notification.id)
            )
        )


# What Slack answers for a message it cannot take as written (too long, blocks it refuses): sending
# it again as written would fail for ever, so it goes at once in a plain form instead.
REFUSED_AS_WRITTEN = frozenset(
    {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "invalid_arguments"}
)


def _post(
    client: WebClient, key: str, recipient: str, text: str, blocks: list[dict[str, Any]] | None
) -> tuple[dict[str, Any], str | None]:
    """Post the message within Block Kit's limits; when Slack still refuses it as written, post its
    plain form (its words and buttons in one section, then its words alone). Returns the response
    and, when a plain form went, what Slack said of the full one."""
    blocks = fit_blocks(blocks)
    text = fit_text(text)
    try:
        # A user ID is a valid channel for chat.postMessage: Slack posts in the app's DM with them.
        # One call per DM, and none to conversations.open (Tier 3, ~50 a minute: a 1,000-DM burst
        # would wait twenty minutes on it).
        return client.chat_postMessage(channel=recipient, text=text, blocks=blocks).data, None  # type: ignore[return-value]
    except SlackApiError as exc:
        refused = str(exc.response.get("error") or "")
        if refused not in REFUSED_AS_WRITTEN:
            raise
    log.warning("Slack refused %s as written (%s); sending it in plain form", key, refused)
    words, with_buttons = plain_form(text, blocks)
    forms: list[list[dict[str, Any]] | None] = [with_buttons, None] if blocks else [None]
    for number, form in enumerate(forms, start=1):
        try:
            response = client.chat_postMessage(channel=recipient, text=words, blocks=form)
            metrics.OUTBOX.labels("plain").inc()
            return response.data, refused  # type: ignore[return-value]
        except SlackApiError as exc:
            if number == len(forms) or str(exc.response.get("error") or "") not in REFUSED_AS_WRITTEN:
                raise
    raise AssertionError("unreachable")


def _deliver(db: Database, client: WebClient, key: str, now: datetime) -> Outcome:
    with db.session() as session:
        row = session.scalar(select(Notification).where(Notification.key == key))
        assert row is not None
        recipient, text, blocks = row.recipient, row.text, row.blocks
    try:
        response, refused = _post(client, key, recipient, text, blocks)
        channel_id, ts = response["channel"], response["ts"]
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        log.warning("could not send %s to %s: %s", key, recipient, error)
        with db.session() as session:
            row = session.scalar(select(Notification).where(Notification.key == key))
            assert row is not None
            # Still rate limited after the client's own Retry-After waits: Slack asked us to slow
            # down, the message is fine; retry it later without counting it towards giving up.
            if error != "ratelimited":
                row.attempts += 1
            row.last_error = error
            row.status = "failed" if row.attempts < MAX_ATTEMPTS else "dead"
            status = row.status
        metrics.OUTBOX.labels(status).inc()
        return Outcome(key=key, sent=False, error=error)
    with db.session() as session:
        row = session.scalar(select(Notification).where(Notification.key == key))
        assert row is not None
        row.attempts += 1
        # A digest that took a line while it was being posted: show it again with that line.
        row.status = "stale" if (row.text, row.blocks) != (text, blocks) else "sent"
        # Sent, in plain form: what Slack said of the full message stays on record.
        row.last_error = f"{refused}: sent in plain form" if refused else row.last_error
        row.sent_at = now
        row.channel_id = channel_id
        row.ts = ts
    metrics.OUTBOX.labels("sent").inc()
    return Outcome(key=key, sent=True, channel_id=channel_id, ts=ts)


def _update(db: Database, client: WebClient, key: str) -> Outcome:
    """Show a sent message as it is now (chat.update): the same message, no new notification."""
    with db.session() as session:
        row = session.scalar(select(Notification).where(Notification.key == key))
        assert row is not None
        channel_id, ts, text, blocks = row.channel_id, row.ts, row.text, row.blocks
    if not channel_id or not ts:
        return Outcome(key=key, sent=False, error="never_sent")
    try:
        client.chat_update(channel=channel_id, ts=ts, text=fit_text(text), blocks=fit_blocks(blocks))
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        log.warning("could not update %s: %s", key, error)
        with db.session() as session:
            row = session.scalar(select(Notification).where(Notification.key == key))
            assert row is not None
            row.attempts += 1
            row.last_error = error
            # Gone or refused for good: the message as first sent stays; do not retry for ever.
            row.status = "stale" if error == "ratelimited" or row.attempts < MAX_ATTEMPTS * 2 else "sent"
        return Outcome(key=key, sent=False, error=error)
    with db.session() as session:
        session.execute(
            update(Notification)
            .where(Notification.key == key, Notification.status == "updating")
            .values(status="sent")
        )
    metrics.OUTBOX.labels("updated").inc()
    return Outcome(key=key, sent=True, channel_id=channel_id, ts=ts)


# -- messages shown again in a new state -----------------------------------------------
@dataclass(frozen=True)
class MessageEdit:
    """A message the bot sent, and what it should show now; the listener sends it after the commit
    (handlers/replies.py EditMessage)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]


def rewrite_unsent(
    session: Session, key_like: str, kind: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    """Messages not sent yet (Slack refused them a moment ago) go out showing the record as it is
    now, not a button for something already settled."""
    session.execute(
        update(Notification)
        .where(
            Notification.key.like(key_like),
            Notification.kind == kind,
            Notification.status.in_(("pending", "failed")),
        )
        .values(text=text, blocks=blocks)
        .execution_options(synchronize_session=False)
    )


def sent_to(session: Session, key: str) -> tuple[str, str] | None:
    """(channel, ts) of the message sent under `key` (or of the digest holding it), once Slack has it."""
    digest = session.scalar(select(DigestLine.digest_key).where(DigestLine.key == key))
    if digest is not None:
        key = digest
    row = session.execute(
        select(Notification.channel_id, Notification.ts).where(
            Notification.key == key, Notification.status == "sent"
        )
    ).first()
    return (row[0], row[1]) if row is not None and row[0] and row[1] else None
