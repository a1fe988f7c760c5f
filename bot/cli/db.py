"""`training-day db upgrade`: apply the migrations."""

from __future__ import annotations

import argparse

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the migrations").set_defaults(handler=upgrade)


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade as apply
    from db.session import Database

    apply(settings.database_url)
    print(f"database is up to date ({Database(settings.database_url).engine.url.render_as_string()})")
    return 0
