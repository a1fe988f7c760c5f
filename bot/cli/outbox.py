"""`training-day outbox list` and `training-day outbox retry KEY|--all-failed`: the messages that
must go once, seen and sent again by an operator without reading the `notifications` table."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.config.settings import Settings

STATUSES = ("pending", "sending", "failed", "dead", "expired", "sent")
ERROR_WIDTH = 60


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outbox = sub.add_parser("outbox", help="messages the bot must send once").add_subparsers(
        dest="outbox_command", required=True
    )
    lister = outbox.add_parser("list", help="messages not sent (yet): failed, dead, pending, expired")
    lister.add_argument(
        "--status",
        action="append",
        choices=STATUSES,
        help="only this status (repeatable; default: every status but sent)",
    )
    lister.add_argument("--kind", help="only this kind (the second column)")
    lister.add_argument("--limit", type=int, default=200, help="at most this many rows (default 200)")
    lister.set_defaults(handler=list_messages)
    retry = outbox.add_parser("retry", help="send a message that did not go, once more (audited)")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("key", nargs="?", help="the message's key (first column of `outbox list`)")
    which.add_argument("--all-failed", action="store_true", help="every failed and dead message")
    retry.set_defaults(handler=retry_messages)


def _utc(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}Z" if moment else "-"


def _short(text: str | None) -> str:
    text = (text or "-").replace("\n", " ")
    return text if len(text) <= ERROR_WIDTH else text[: ERROR_WIDTH - 1] + "…"


def list_messages(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core import outbox
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(settings.database_url)
    statuses = tuple(args.status) if args.status else outbox.UNSENT
    rows = outbox.listing(ctx.db, statuses=statuses, kind=args.kind, limit=args.limit)
    if not rows:
        print(f"no messages {'/'.join(statuses)}" + (f" of kind {args.kind}" if args.kind else ""))
        return 0
    header = ("KEY", "KIND", "RECIPIENT", "STATUS", "TRIES", "CREATED (UTC)", "SENT/EXPIRES", "LAST ERROR")
    table = [
        (
            r.key,
            r.kind,
            r.recipient,
            r.status,
            str(r.attempts),
            _utc(r.created_at),
            _utc(r.sent_at) if r.sent_at else ("expires " + _utc(r.expires_at) if r.expires_at else "-"),
            _short(r.last_error),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (header, *table)) for i in range(len(header) - 1)]
    for line in (header, *table):
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)) + "  " + line[-1]
        )
    if len(rows) == args.limit:
        print(f"(the first {args.limit}; narrow with --status/--kind or raise --limit)")
    return 0


def retry_messages(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core import outbox
    from bot.core.errors import DomainError
    from db.migrate import upgrade

    if not settings.slack_bot_token:
        print("training-day: SLACK_BOT_TOKEN is needed to send anything; nothing was sent.")
        return 2
    ctx = build_context(settings)
    upgrade(settings.database_url)
    keys = outbox.resendable_failures(ctx.db) if args.all_failed else [args.key]
    if not keys:
        print("no failed messages: nothing to send")
        return 0
    failed = 0
    for key in keys:
        try:
            outcome = outbox.resend(ctx.db, ctx.client, key, now=ctx.clock.now(), actor="cli")
        except DomainError as refused:
            if not args.all_failed:
                raise
            print(f"{key}: {refused.message}")
            failed += 1
            continue
        if outcome.sent:
            print(f"{key}: sent")
        else:
            print(f"{key}: not sent: Slack answered {outcome.error}")
            failed += 1
    if args.all_failed:
        print(f"{len(keys) - failed} of {len(keys)} sent")
    return 1 if failed else 0
