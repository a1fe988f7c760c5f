"""`training-day records export|reads|left`: an agent's whole record as a file, who read the
agent's records, and marking an agent no longer employed (their retention clock starts)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    records = sub.add_parser(
        "records", help="an agent's HR records: the whole record, who read it"
    ).add_subparsers(dest="records_command", required=True)
    export = records.add_parser("export", help="write everything about an agent as one ZIP (DOCX, JSON, CSV)")
    export.add_argument("--agent", required=True, help="the agent's Slack user ID")
    export.add_argument(
        "--out", type=Path, default=None, help="file to write (default ./record-NAME-DATE.zip)"
    )
    export.set_defaults(handler=export_record)
    reads = records.add_parser("reads", help="who read an agent's records, newest first")
    reads.add_argument("--agent", required=True, help="the agent's Slack user ID")
    reads.set_defaults(handler=list_reads)
    left = records.add_parser("left", help="mark an agent no longer employed (retention counts from now)")
    left.add_argument("--agent", required=True, help="the agent's Slack user ID")
    left.set_defaults(handler=mark_left)


def export_record(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core.unit_of_work import Caller
    from bot.records import service as records
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(ctx.settings.database_url)
    record = records.record_file_for_cli(ctx, Caller.system(), args.agent)
    path: Path = args.out or Path(record.filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(record.content)
    print(f"{record.agent_name}: wrote the whole record to {path}")
    return 0


def list_reads(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core import people, record_reads
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(ctx.settings.database_url)
    with ctx.db.session() as session:
        agent = people.require_agent(session, args.agent)
        rows = record_reads.reads_of(session, agent.id, limit=100_000)
        print(f"{agent.name}: {len(rows)} read(s)")
        for read in rows:
            what = record_reads.WHAT.get(read.what, read.what)
            print(f"{read.at.isoformat()}\t{read.reader}\t{what}\t{read.detail or ''}")
    return 0


def mark_left(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core import audit, people
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(ctx.settings.database_url)
    now = ctx.clock.now()
    with ctx.db.session() as session:
        agent = people.require_agent(session, args.agent)
        agent.left_at = now
        audit.record(session, actor="cli", action="person.left", entity="person", entity_id=agent.id, at=now)
        name = agent.name
    print(f"{name}: no longer employed from {now.date().isoformat()}; retention counts from today")
    return 0
