"""Alembic, driven from code so `app.py db upgrade`, start-up and tests share one path."""

from __future__ import annotations

import functools
import logging
from enum import Enum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from db.session import make_engine, normalize_url

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaState(Enum):
    """Where the database's schema stands against this release's migrations."""

    EMPTY = "empty"  # never migrated
    BEHIND = "behind"  # migrations of this release still to apply
    CURRENT = "current"  # at this release's head
    # Migrated by a later release (its revision is unknown here). Migrations expand before they
    # contract (AGENTS.md), so this release still runs on it during a rolling deploy.
    AHEAD = "ahead"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's config is ConfigParser-based: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


@functools.cache
def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "no migrations"
    return head


def schema_state(connection: Connection) -> tuple[SchemaState, str | None]:
    """(state, the database's revision). Reads alembic_version only: cheap enough for /readyz."""
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return SchemaState.EMPTY, None
    if current == head_revision():
        return SchemaState.CURRENT, current
    known = {script.revision for script in _scripts().walk_revisions()}
    return (SchemaState.BEHIND if current in known else SchemaState.AHEAD), current


def upgrade(url: str, revision: str = "head") -> None:
    if revision == "head":
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                state, current = schema_state(connection)
        finally:
            engine.dispose()
        if state is SchemaState.AHEAD:
            # A newer release migrated this database; downgrading it is that release's call.
            log.warning("database is at revision %s, newer than this release's %s", current, head_revision())
            return
    command.upgrade(alembic_config(url), revision)
