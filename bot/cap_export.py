"""`training-day export caps --cohort ID [--out DIR]`: one Markdown file per CAP of the cohort."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from bot.cli_extra import EXPORT_ADDERS


def add_caps(export: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    caps = export.add_parser("caps", help="write the cohort's CAPs (Written, Final, Term) as Markdown files")
    caps.add_argument("--cohort", type=int, required=True, help="cohort ID (see `training-day cohort list`)")
    caps.add_argument("--out", type=Path, default=Path("caps"), help="directory to write to (default ./caps)")
    caps.set_defaults(handler=export_caps)


def export_caps(args: argparse.Namespace, settings: object) -> int:
    from app import build_context
    from bot.services import coaching, cohorts
    from db.migrate import upgrade

    ctx = build_context(settings)  # type: ignore[arg-type]
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
        cohort_name = cohort.name
    if not written:
        print(f"{cohort_name}: no CAPs to export")
        return 0
    print(f"{cohort_name}: wrote {len(written)} CAP file(s) to {out}: " + ", ".join(written))
    return 0


EXPORT_ADDERS.append(add_caps)
