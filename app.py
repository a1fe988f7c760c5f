"""The `training-day` entry point: reads the settings, sets up logging, runs one command."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.cli import parser
from bot.config.playbook import PlaybookError
from bot.config.settings import Settings
from bot.core import logs
from bot.core.errors import DomainError


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # noqa: BLE001 - pydantic's message names the bad variable
        print(f"training-day: bad configuration: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format, settings.secret_values())
    try:
        return int(args.handler(args, settings))
    except PlaybookError as exc:
        print(f"training-day: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"training-day: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
