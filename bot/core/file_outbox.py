"""Files that must reach someone exactly once (a filled CAP to the TL, a document to HR).

Like the message outbox (bot/core/outbox.py): a use case writes the row, with the file's bytes, in
its own transaction (`enqueue`, through `Work.send_file`); after the commit the row is claimed
(pending -> sending) and uploaded once. A retry, a double submit or a second replica finds the key
taken and sends nothing; an upload Slack refuses is retried by `retry_failed`, the housekeeping job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.slack import files
from db.models import FileDelivery
from db.session import Database, rows_matched

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
ORPHAN_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class FilesQueued:
    """The event a use case emits when it wrote files to send; bot/hooks.py delivers them."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    key: str
    sent: bool
    error: str | None = None


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    filename: str,
    title: str,
    content: bytes,
    now: datetime,
    comment: str | None = None,
) -> bool:
    """Write a file to send once its unit of work commits; False when the key exists."""
    if session.scalar(select(FileDelivery.id).where(FileDelivery.key == key)) is not None:
        return False
    session.add(
        FileDelivery(
            key=key,
            kind=kind,
            recipient=recipient,
            filename=filename[:200],
            title=title[:300],
            comment=comment[:3000] if comment else None,
            content=content,
            status="pending",
            attempts=0,
            created_at=now,
        )
    )
    session.flush()
    return True


def deliver(
    db: Database, client: WebClient, keys: list[str] | tuple[str, ...], now: datetime
) -> list[Outcome]:
    """Upload the pending files with these keys; each is claimed first, so it goes once."""
    outcomes = []
    for key in keys:
        if _claim(db, key, ("pending",)):
            outcomes.append(_upload(db, client, key, now))
    return outcomes


def retry_failed(db: Database, client: WebClient, now: datetime) -> list[Outcome]:
    """Upload again what failed, and what a dead process wrote but never claimed."""
    with db.session() as session:
        keys = list(
            session.scalars(
                select(FileDelivery.key)
                .where(
                    ((FileDelivery.status == "failed") & (FileDelivery.attempts < MAX_ATTEMPTS))
                    | ((FileDelivery.status == "pending") & (FileDelivery.created_at < now - ORPHAN_AFTER))
                )
                .order_by(FileDelivery.id)
            )
        )
    return [_upload(db, client, key, now) for key in keys if _claim(db, key, ("pending", "failed"))]


def _claim(db: Database, key: str, states: tuple[str, ...]) -> bool:
    with db.session() as session:
        return bool(
            rows_matched(
                session.execute(
                    update(FileDelivery)
                    .where(FileDelivery.key == key, FileDelivery.status.in_(states))
                    .values(status="sending")
                )
            )
        )


def _upload(db: Database, client: WebClient, key: str, now: datetime) -> Outcome:
    with db.session() as session:
        row = session.scalar(select(FileDelivery).where(FileDelivery.key == key))
        assert row is not None
        recipient, filename, title, comment, content = (
            row.recipient,
            row.filename,
            row.title,
            row.comment,
            row.content,
        )
    try:
        file_id = files.send_file(
            client, recipient, filename=filename, content=content, title=title, comment=comment
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        error = str(exc.response.get("error")) if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("could not send the file %s to %s: %s", key, recipient, error)
        with db.session() as session:
            row = session.scalar(select(FileDelivery).where(FileDelivery.key == key))
            assert row is not None
            row.attempts += 1
            row.last_error = error
            row.status = "failed" if row.attempts < MAX_ATTEMPTS else "dead"
        return Outcome(key=key, sent=False, error=error)
    with db.session() as session:
        row = session.scalar(select(FileDelivery).where(FileDelivery.key == key))
        assert row is not None
        row.attempts += 1
        row.status = "sent"
        row.file_id = file_id
        row.sent_at = now
    return Outcome(key=key, sent=True)


def sent_files(session: Session, kind: str | None = None) -> list[FileDelivery]:
    stmt = select(FileDelivery).order_by(FileDelivery.id)
    if kind is not None:
        stmt = stmt.where(FileDelivery.kind == kind)
    return list(session.scalars(stmt))
