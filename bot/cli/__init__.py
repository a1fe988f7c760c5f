"""The `training-day` command line: one module per command, listed here explicitly.

Each module has `add(subparsers)`, which registers its parser with `handler=(args, settings) -> int`."""

from __future__ import annotations

import argparse

from bot.cli import cohort, db, demo, export, g2t, outbox, person, records, run, sheet

COMMANDS = (run, demo, db, cohort, person, export, sheet, g2t, outbox, records)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="training-day", description="The Training Day Slack bot.")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add(sub)
    return p
