"""`training-day sheet check`: compare the playbook's sheet mapping with the team's Google Sheet."""

from __future__ import annotations

import argparse

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    sheet = sub.add_parser("sheet", help="the team's Google Sheet ESP tracker").add_subparsers(
        dest="sheet_command", required=True
    )
    checker = sheet.add_parser(
        "check",
        help="check the playbook's mapping against the sheet (columns, agents, rows); changes nothing",
    )
    checker.set_defaults(handler=check_sheet)


def check_sheet(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.sheet_sync import check as sheet_check
    from bot.sheet_sync.client import SheetError
    from db.migrate import upgrade

    if not settings.sheet_sync_enabled():
        print(
            "training-day: no sheet configured: set TRACKER_SHEET_ID and GOOGLE_SERVICE_ACCOUNT_FILE "
            "(or GOOGLE_SERVICE_ACCOUNT_JSON), and share the sheet with the service account's email"
        )
        return 2
    ctx = build_context(settings)
    upgrade(settings.database_url)
    try:
        report = sheet_check.check(ctx)
    except SheetError as exc:
        print(f"training-day: cannot read the sheet: {exc}")
        return 2
    print(f"Worksheet {report.worksheet!r}:")
    for header, letter in report.columns_found.items():
        print(f"  column {letter}: {header}")
    for header in report.columns_missing:
        print(f"  MISSING column: {header}")
    print(f"Agents matched to a row: {len(report.matched)}")
    for line in report.matched:
        print(f"  {line}")
    if report.to_append:
        print(f"Agents not in the sheet (the first push appends a row): {len(report.to_append)}")
        for line in report.to_append:
            print(f"  {line}")
    if report.unmatched_rows:
        print(f"Rows that match no synced agent: {len(report.unmatched_rows)}")
        for line in report.unmatched_rows:
            print(f"  {line}")
    for line in report.duplicates:
        print(f"  DUPLICATE: {line}")
    for line in report.unknown_words:
        print(f"  Unmapped status word: {line}")
    print(
        "Mapping OK; nothing was changed."
        if report.ok
        else "Fix the above in the sheet or the playbook; nothing was changed."
    )
    return 0 if report.ok else 1
