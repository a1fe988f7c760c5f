"""Command-line commands that capabilities add beside the core ones in app.py.

Each adder receives argparse's subparsers and registers its commands, setting
`handler=(args, settings) -> int` with set_defaults. `export` is shared: CAPs, the tracker, ...
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

ExportAdder = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

# Capabilities append a function that adds their `export` subcommand.
EXPORT_ADDERS: list[ExportAdder] = []


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _load_adders()
    if not EXPORT_ADDERS:
        return
    export = sub.add_parser("export", help="write records as files").add_subparsers(dest="export_command", required=True)
    for adder in EXPORT_ADDERS:
        adder(export)


def _load_adders() -> None:
    # Capabilities register their adders from these modules (import side effect keeps app.py static).
    import importlib

    for module in EXPORT_MODULES:
        importlib.import_module(module)


EXPORT_MODULES: list[str] = [
    "bot.cap_export",  # export caps
    "bot.tracker_export",  # export tracker
]
