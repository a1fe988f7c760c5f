"""`training-day demo`: a scripted class against the built-in stand-ins; no accounts needed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="play a scripted class against the built-in Slack stand-in")
    parser.add_argument(
        "--pictures",
        default="demo-pictures",
        help="folder to save the class's pictures (PNG) in (default: ./demo-pictures)",
    )
    parser.set_defaults(handler=demo)


def demo(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from bot.demo.script import run_demo
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(("bot.demo", "bot.standin")):
            raise
        # The production image leaves the demo and the stand-ins out (.dockerignore).
        print(
            "training-day: the demo is not part of this install (the production image leaves it out). "
            "Run it from a clone: see the first command in README.md.",
            file=sys.stderr,
        )
        return 2
    return run_demo(sys.stdout, Path(args.pictures))
