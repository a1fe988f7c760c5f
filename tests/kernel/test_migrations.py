"""The migrations and the models describe the same schema, and every migration can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import db.models  # noqa: F401  - every table on the metadata
from db.base import Base
from db.migrate import alembic_config, upgrade
from db.session import make_engine

# Tables owned by libraries, not by our models.
FOREIGN_TABLES = {"apscheduler_jobs", "alembic_version"}


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    return [d for d in diffs if not _foreign(d)]


def _foreign(diff: object) -> bool:
    """APScheduler's table (and its index), once a test has started a scheduler on this database."""
    if isinstance(diff, tuple) and diff[0] == "remove_table":
        return diff[1].name in FOREIGN_TABLES
    if isinstance(diff, tuple) and diff[0] == "remove_index":
        return diff[1].table.name in FOREIGN_TABLES
    return False


def test_models_match_the_migrations(database_url):
    assert _differences(database_url) == []


def test_downgrade_to_nothing_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    upgrade(url)
    assert _differences(url) == []
