"""Test set-up: one database per run (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
migrated with the real Alembic migrations; the stand-in Slack; a World per test."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from bot.standin.g2t import G2TStandIn
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
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
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = normalize_url(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    logging.getLogger("alembic").setLevel(logging.WARNING)
    upgrade(url)
    return url


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


def _empty(url: str) -> None:
    db = Database(url)
    try:
        db.delete_all_rows()
    finally:
        db.dispose()


@pytest.fixture(autouse=True)
def _every_payload_is_valid_block_kit(request):
    """Whatever the bot sent in a test must be something Slack would render."""
    yield
    if "world" in request.fixturenames:
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
