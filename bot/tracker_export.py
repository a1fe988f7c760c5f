"""`training-day export tracker --cohort ID --format csv|xlsx [--output FILE]`: the tracking sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli_extra import EXPORT_ADDERS


def add_tracker(export: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tracker = export.add_parser("tracker", help="write the cohort's tracking sheet (one row per agent)")
    tracker.add_argument("--cohort", type=int, required=True, help="cohort ID (see `training-day cohort list`)")
    tracker.add_argument("--format", choices=["csv", "xlsx"], default="xlsx", help="file format (default xlsx)")
    tracker.add_argument("--output", type=Path, default=None,
                         help="file to write (default ./tracker-cohort-ID.FORMAT)")
    tracker.set_defaults(handler=export_tracker)


def export_tracker(args: argparse.Namespace, settings: object) -> int:
    from app import build_context
    from bot.services import cohorts, tracker_sheet
    from db.migrate import upgrade

    ctx = build_context(settings)  # type: ignore[arg-type]
    upgrade(ctx.settings.database_url)
    path: Path = args.output or Path(f"tracker-cohort-{args.cohort}.{args.format}")
    with ctx.db.session() as session:
        cohort_name = cohorts.by_id(session, args.cohort).name
        table = tracker_sheet.rows(session, args.cohort, ctx.playbook)
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        tracker_sheet.write_csv(table, path)
    else:
        tracker_sheet.write_xlsx(table, path, "Tracker")
    print(f"{cohort_name}: wrote the tracking sheet for {len(table) - 1} agent(s) to {path}")
    return 0


EXPORT_ADDERS.append(add_tracker)
