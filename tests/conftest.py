"""Test set-up: one database per run (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
migrated with the real Alembic migrations; the stand-in Slack; a World per test."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import URL, create_engine, make_url, text

import db.models  # noqa: F401 - every table registered, so emptying covers them all
from bot.standin.g2t import G2TStandIn
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
from db.base import Base
from db.migrate import upgrade
from db.session import Database, normalize_url

# Friday before the sample class (Tue Dec 1 2026), 9:00 in Chicago.
DEFAULT_START = datetime(2026, 11, 27, 9, 0, tzinfo=ZoneInfo("America/Chicago"))

STAFF = {
    "U0TL0001": "Tess Lead",
    "U0PM0001": "Paolo Manager",
    "U0ESP001": "Erin Esp",
    "U0ADM001": "Alex Admin",
}
AGENTS = {
    "U0AG0001": "Ana Ruiz",
    "U0AG0002": "Ben Okafor",
    "U0AG0003": "Chloe Martin",
    "U0AG0004": "Dev Patel",
}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per test process, migrated once. Each pytest-xdist worker gets its own: a
    SQLite file in its own temporary directory, or on PostgreSQL a database of its own (the named
    one's name and the worker's, e.g. test_gw0) created on the named database's server."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    server = created = None
    if url:
        url = normalize_url(url)
        if worker:
            server = make_url(url)
            created = server.set(database=f"{server.database}_{worker}")
            _recreate_database(server, created)
            url = created.render_as_string(hide_password=False)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    logging.getLogger("alembic").setLevel(logging.WARNING)
    upgrade(url)
    yield url
    emptier = _emptiers.pop(url, None)
    if emptier is not None:
        emptier.dispose()
    if server is not None and created is not None:
        _drop_database(server, created)


def _recreate_database(server: URL, database: URL) -> None:
    """A fresh database next to `server`'s (a worker's left over from an earlier run is dropped)."""
    _drop_database(server, database)
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database.database}"'))
    finally:
        engine.dispose()


def _drop_database(server: URL, database: URL) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            # FORCE: a `run` process a test killed may still hold a connection.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database.database}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def standin() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


def _over_http(request: pytest.FixtureRequest) -> bool:
    """A test marked `http` (its subject is the transport) gets a World served over loopback HTTP;
    any other one dispatches in-process."""
    return request.node.get_closest_marker("http") is not None


@pytest.fixture
def world(request: pytest.FixtureRequest, database_url: str, standin: SlackStandIn) -> Iterator[World]:
    standin.reset()
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    w = World(database_url, start=DEFAULT_START, standin=standin, migrate=False, http=_over_http(request))
    try:
        yield w
    finally:
        w.close()
        _empty(database_url)


# One engine per database for emptying it between tests: a connection made once, not per test.
_emptiers: dict[str, Database] = {}


def _empty(url: str) -> None:
    """Delete every row of every table the models know (the schema stays), as
    Database.delete_all_rows does, in one round trip on PostgreSQL."""
    db = _emptiers.get(url)
    if db is None:
        db = _emptiers[url] = Database(url)
    tables = list(reversed(Base.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"' for table in tables))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _every_payload_is_valid_block_kit(request):
    """Whatever the bot sent in a test must be something Slack would render (every fixture that
    builds a World over the session's stand-in)."""
    yield
    if {"world", "g2t_world", "uhc_world", "sworld"} & set(request.fixturenames):
        server = request.getfixturevalue("standin")
        assert server.rejected() == [], "the bot sent Block Kit that Slack would refuse"


# -- GoTo Training -------------------------------------------------------------------
@pytest.fixture(scope="session")
def g2t_standin() -> Iterator[G2TStandIn]:
    server = G2TStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def g2t_world(
    request: pytest.FixtureRequest, database_url: str, standin: SlackStandIn, g2t_standin: G2TStandIn
) -> Iterator[World]:
    """A World whose settings point at the G2T stand-in (not connected yet: see tests/g2t_steps.py)."""
    standin.reset()
    g2t_standin.reset()
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    w = World(
        database_url,
        start=DEFAULT_START,
        standin=standin,
        migrate=False,
        g2t=g2t_standin,
        http=_over_http(request),
    )
    try:
        yield w
    finally:
        w.close()
        _empty(database_url)
