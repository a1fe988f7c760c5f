"""`training-day demo`: a scripted class against the built-in stand-ins; no accounts needed."""

from __future__ import annotations

import argparse
import sys

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="play a scripted class against the built-in Slack stand-in")
    parser.set_defaults(handler=demo)


def demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo.script import run_demo

    return run_demo(sys.stdout)
