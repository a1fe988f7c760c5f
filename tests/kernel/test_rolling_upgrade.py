"""Upgrades without downtime: during a rolling deploy the previous release keeps serving on the
schema the new one migrated, so migrations expand before they contract.

- every migration after 0012 only expands (new tables, nullable or defaulted columns, indexes);
- the previous release's own scenario tests pass on a database this release migrated to head.

The previous release is the newest commit on main's first-parent history whose migrations are
exactly this release's minus the newest one: the code that ran before that migration existed."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from db.migrate import head_revision

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "db" / "migrations" / "versions"
# Written before the rule; the rule holds from the next one on.
LAST_UNCHECKED = "0012"
# The previous release's tests run on the migrated database: its listeners (commands, buttons)
# and its scheduled jobs (the morning post, the end of day), and the outbox kernel.
PREVIOUS_RELEASE_TESTS = ("tests/class_day/test_training_day.py", "tests/kernel/test_outbox.py")
HISTORY_DEPTH = 300

# Operations that take away what the previous release reads or writes.
CONTRACTING = {
    "drop_table": "drops a table",
    "drop_column": "drops a column",
    "rename_table": "renames a table",
    "drop_constraint": "drops a constraint",
}
_CONTRACTING_SQL = re.compile(r"\b(DROP\s+(TABLE|COLUMN)|RENAME\b|SET\s+NOT\s+NULL)", re.IGNORECASE)


# -- expand-only -------------------------------------------------------------------------------
def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {k.arg: k.value for k in call.keywords if k.arg}


def _is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _required_column(node: ast.expr) -> bool:
    """A Column(...) the previous release's INSERTs would not fill: NOT NULL with no server default."""
    if not (
        isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "Column"
    ):
        return False
    kw = _keywords(node)
    return _is_false(kw.get("nullable")) and "server_default" not in kw


def contracting_operations(source: str) -> list[str]:
    """What in a migration's upgrade() would break the previous release, one line each."""
    tree = ast.parse(source)
    upgrade = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"), None)
    if upgrade is None:
        return ["has no upgrade()"]
    found = []
    for node in ast.walk(upgrade):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, line = node.func.attr, node.lineno
        kw = _keywords(node)
        if name in CONTRACTING:
            found.append(f"line {line}: {CONTRACTING[name]}")
        elif name == "alter_column":
            if "new_column_name" in kw:
                found.append(f"line {line}: renames a column")
            if "type_" in kw:
                found.append(f"line {line}: changes a column's type")
            if _is_false(kw.get("nullable")) and "server_default" not in kw:
                found.append(f"line {line}: makes a column NOT NULL without a default")
        elif name == "add_column" and any(_required_column(a) for a in node.args):
            found.append(f"line {line}: adds a NOT NULL column without a server default")
        elif name == "execute":
            sql = " ".join(
                a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
            if _CONTRACTING_SQL.search(sql):
                found.append(f"line {line}: runs contracting SQL ({sql.strip()[:60]})")
    return found


def _checked_migrations() -> list[Path]:
    return sorted(
        p for p in VERSIONS.glob("*.py") if re.match(r"\d{4}_", p.name) and p.name[:4] > LAST_UNCHECKED
    )


def test_every_migration_after_0012_only_expands():
    migrations = _checked_migrations()
    assert migrations, "no migration after 0012?"
    problems = {p.name: contracting_operations(p.read_text(encoding="utf-8")) for p in migrations}
    assert {name: found for name, found in problems.items() if found} == {}, (
        "the previous release still runs on this schema during a rolling deploy: expand now "
        "(add, backfill, write both), contract in a later release once nothing reads the old shape"
    )


@pytest.mark.parametrize(
    "body, expected",
    [
        ('op.drop_column("people", "npn")', "drops a column"),
        ('op.drop_table("people")', "drops a table"),
        ('op.rename_table("people", "persons")', "renames a table"),
        ('op.alter_column("people", "npn", new_column_name="license")', "renames a column"),
        ('op.alter_column("people", "npn", nullable=False)', "NOT NULL without a default"),
        ('batch_op.add_column(sa.Column("tz", sa.String(), nullable=False))', "NOT NULL column without"),
        ('op.execute("ALTER TABLE people DROP COLUMN npn")', "contracting SQL"),
    ],
)
def test_the_check_catches_each_contracting_operation(body, expected):
    source = f"def upgrade():\n    {body}\n"
    [problem] = contracting_operations(source)
    assert expected in problem


def test_the_check_lets_expanding_operations_through():
    source = textwrap.dedent(
        """
        def upgrade():
            op.create_table("t", sa.Column("id", sa.Integer(), nullable=False))
            op.add_column("people", sa.Column("tz", sa.String(), nullable=True))
            op.add_column("people", sa.Column("n", sa.Integer(), nullable=False, server_default="0"))
            op.create_index("ix", "people", ["tz"])
            op.alter_column("people", "tz", nullable=False, server_default="UTC")

        def downgrade():
            op.drop_table("t")
        """
    )
    assert contracting_operations(source) == []


# -- the previous release on the migrated database ---------------------------------------------
def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True, timeout=30
    ).stdout


def _revisions(names: list[str]) -> list[str]:
    return [m.group(1) for n in names if (m := re.match(r"(\d{4})_\w+\.py$", n))]


def previous_release() -> str | None:
    """The newest first-parent commit whose migration revisions are this release's minus its head
    (each once: a commit where two branches' migrations collided is no release)."""
    current = _revisions([p.name for p in VERSIONS.glob("*.py")])
    head = head_revision()
    wanted = sorted(r for r in current if r != head)
    for commit in _git("log", "--first-parent", f"-{HISTORY_DEPTH}", "--format=%H", "HEAD").split():
        listed = _git("ls-tree", "--name-only", commit, "db/migrations/versions/").split()
        revisions = _revisions([Path(n).name for n in listed])
        if sorted(revisions) == wanted and len(set(revisions)) == len(revisions):
            return commit
    return None


def _previous_release_or_skip() -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the previous release cannot be checked out")
    try:
        _git("rev-parse", "--git-dir")
        commit = previous_release()
    except subprocess.CalledProcessError as error:
        pytest.skip(f"no git history here ({error.stderr.strip()[:100]})")
    if commit is None:
        pytest.skip(
            f"no commit before migration {head_revision()} in the last {HISTORY_DEPTH} (a shallow clone?)"
        )
    return commit


# Loaded by the previous release's pytest before its conftest: every migration it asks for is done
# by this release's code instead, so its tests run on this release's schema.
PLUGIN = """
import os, subprocess, sys

import bot
import db.migrate

assert bot.__file__.startswith(os.getcwd()), "the previous release must import its own code"
_done = set()


def _upgrade_with_the_new_release(url, revision="head"):
    if url in _done:
        return
    subprocess.run(
        [sys.executable, "-c", "import sys; from db.migrate import upgrade; upgrade(sys.argv[1])", url],
        cwd=os.environ["NEW_RELEASE_ROOT"], check=True,
    )
    _done.add(url)
    with open(os.environ["MIGRATED_URLS"], "a", encoding="utf-8") as out:
        out.write(url + "\\n")


db.migrate.upgrade = _upgrade_with_the_new_release
"""


@pytest.fixture
def scratch_database(database_url):
    """On PostgreSQL a database of its own next to the test database (the previous release's
    conftest empties the one it is given); on SQLite the previous release makes its own file."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield None
        return
    scratch = url.set(database=f"{url.database}_previous")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        yield scratch.render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        server.dispose()


def test_the_previous_release_runs_on_the_migrated_database(tmp_path, scratch_database):
    commit = _previous_release_or_skip()
    tree = tmp_path / "previous"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    (tmp_path / "previous.tar").write_bytes(archive)
    with tarfile.open(tmp_path / "previous.tar") as tar:
        tar.extractall(tree, filter="data")
    (tree / "previous_release_plugin.py").write_text(PLUGIN, encoding="utf-8")
    tests = [t for t in PREVIOUS_RELEASE_TESTS if (tree / t).exists()]
    assert tests, f"{commit[:10]} has none of {PREVIOUS_RELEASE_TESTS}"

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "DATABASE_URL", "TEST_DATABASE_URL"))
    }
    env |= {"NEW_RELEASE_ROOT": str(ROOT), "MIGRATED_URLS": str(tmp_path / "migrated.txt"), "PYTHONPATH": ""}
    if scratch_database:
        env["TEST_DATABASE_URL"] = scratch_database
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "previous_release_plugin",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
            "-q",
            "-x",
            "--basetemp",
            str(tmp_path / "basetemp"),
            *tests,
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    # 0: tests were collected and all passed (5 would say none ran).
    assert result.returncode == 0, (
        f"the previous release ({commit[:10]}) fails on this release's schema:\n"
        + result.stdout[-3000:]
        + result.stderr[-2000:]
    )

    # Its tests ran on databases this release migrated to its own head.
    migrated = (tmp_path / "migrated.txt").read_text(encoding="utf-8").split()
    assert migrated
    for url in migrated:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        finally:
            engine.dispose()
