"""`training-day export caps|tracker`: records written as files."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="write records as files").add_subparsers(
        dest="export_command", required=True
    )
    _add_caps(export)
    _add_tracker(export)


def _add_caps(export: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    caps = export.add_parser("caps", help="write the cohort's CAPs (Written, Final, Term) as Markdown files")
    caps.add_argument("--cohort", type=int, required=True, help="cohort ID (see `training-day cohort list`)")
    caps.add_argument("--out", type=Path, default=Path("caps"), help="directory to write to (default ./caps)")
    caps.set_defaults(handler=export_caps)


def _add_tracker(export: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tracker = export.add_parser("tracker", help="write the cohort's tracking sheet (one row per agent)")
    tracker.add_argument(
        "--cohort", type=int, required=True, help="cohort ID (see `training-day cohort list`)"
    )
    tracker.add_argument(
        "--format", choices=["csv", "xlsx"], default="xlsx", help="file format (default xlsx)"
    )
    tracker.add_argument(
        "--output", type=Path, default=None, help="file to write (default ./tracker-cohort-ID.FORMAT)"
    )
    tracker.set_defaults(handler=export_tracker)


def export_caps(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.coaching import service as coaching
    from bot.cohorts import service as cohorts
    from bot.core import record_reads
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(ctx.settings.database_url)
    out: Path = args.out
    written = []
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, args.cohort)
        for cap in coaching.caps_for_cohort(session, cohort.id):
            slug = re.sub(r"[^a-z0-9]+", "-", cap.person.name.lower()).strip("-")
            name = f"cap-{cap.id:04d}-{slug}-{cap.level}.md"
            out.mkdir(parents=True, exist_ok=True)
            (out / name).write_text(cap.document or "", encoding="utf-8")
            written.append(name)
            record_reads.record(
                session,
                reader="cli",
                person_id=cap.person_id,
                what=record_reads.CAP,
                at=ctx.clock.now(),
                detail=name,
            )
        cohort_name = cohort.name
    if not written:
        print(f"{cohort_name}: no CAPs to export")
        return 0
    print(f"{cohort_name}: wrote {len(written)} CAP file(s) to {out}: " + ", ".join(written))
    return 0


def export_tracker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.cohorts import service as cohorts
    from bot.reports import tracker_export as tracker_sheet
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(ctx.settings.database_url)
    path: Path = args.output or Path(f"tracker-cohort-{args.cohort}.{args.format}")
    with ctx.db.session() as session:
        cohort_name = cohorts.by_id(session, args.cohort).name
        table = tracker_sheet.rows(session, args.cohort, ctx.playbook, ctx.clock.now())
        tracker_sheet.record_failed_exam_reads(
            session, [args.cohort], reader="cli", at=ctx.clock.now(), where=f"the tracking sheet {path.name}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        tracker_sheet.write_csv(table, path)
    else:
        tracker_sheet.write_xlsx(table, path, "Tracker")
    print(f"{cohort_name}: wrote the tracking sheet for {len(table) - 1} agent(s) to {path}")
    return 0
