"""Liveness and readiness apart: /livez answers while the process runs, whatever the database does;
/readyz answers 200 only while the bot can serve (the database answers, its schema is migrated), so a
database blip takes replicas out of rotation without restarting them. /metrics can want a token."""

from __future__ import annotations

import json

from sqlalchemy import text

from bot.slack.web import make_wsgi
from db.migrate import head_revision, upgrade
from db.session import Database

DOWN = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _get(app, path: str, **headers: str) -> tuple[int, bytes]:  # type: ignore[no-untyped-def]
    captured = {}
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET"}
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    body = b"".join(app(environ, lambda s, h: captured.update(status=s)))
    return int(captured["status"].split()[0]), body


def test_both_probes_answer_200_while_all_is_well(world):
    app = make_wsgi(world.app, world.ctx.db)
    assert _get(app, "/livez") == (200, b'{"ok": true}')
    status, body = _get(app, "/readyz")
    assert status == 200
    assert json.loads(body) == {
        "ok": True,
        "database": "reachable",
        "schema": "current",
        "revision": head_revision(),
    }


def test_database_down_is_not_ready_but_still_alive(world):
    broken = Database(DOWN)
    app = make_wsgi(world.app, broken)
    assert _get(app, "/livez")[0] == 200
    status, body = _get(app, "/readyz")
    assert status == 503 and json.loads(body)["database"] == "unreachable"
    # The operator's view keeps its old meaning.
    assert _get(app, "/healthz")[0] == 503
    broken.dispose()


def test_not_ready_until_the_migrations_ran(world, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    empty = Database(url)
    status, body = _get(make_wsgi(world.app, empty), "/readyz")
    assert status == 503 and json.loads(body)["schema"] == "empty"
    upgrade(url, "0011")
    status, body = _get(make_wsgi(world.app, empty), "/readyz")
    assert status == 503 and json.loads(body) | {"revision": None} == {
        "ok": False,
        "database": "reachable",
        "schema": "behind",
        "revision": None,
    }
    upgrade(url)
    assert _get(make_wsgi(world.app, empty), "/readyz")[0] == 200
    empty.dispose()


def test_a_schema_migrated_by_a_later_release_is_still_served(world, tmp_path):
    """During a rolling deploy the new release migrates first (expand); this one keeps serving."""
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    upgrade(url)
    newer = Database(url)
    with newer.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    status, body = _get(make_wsgi(world.app, newer), "/readyz")
    assert status == 200 and json.loads(body)["schema"] == "ahead"
    upgrade(url)  # at start: this release leaves a newer schema alone instead of failing
    with newer.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    newer.dispose()


def test_metrics_want_the_token_when_one_is_set(world):
    app = make_wsgi(world.app, world.ctx.db, metrics_token="s3cret-scrape")
    assert _get(app, "/metrics")[0] == 401
    assert _get(app, "/metrics", authorization="Bearer wrong")[0] == 401
    status, body = _get(app, "/metrics", authorization="Bearer s3cret-scrape")
    assert status == 200 and b"training_day_leader_changes_total" in body
    # The probes stay open: an orchestrator has no token.
    assert _get(app, "/livez")[0] == 200
