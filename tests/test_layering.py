"""The shape the brief fixes, checked on the source: data flows handlers/jobs -> services -> db."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_CODE = [p for d in ("bot", "handlers", "scheduler", "db") for p in (ROOT / d).rglob("*.py")] + [
    ROOT / "app.py"
]

SQL = re.compile(
    r"\bfrom sqlalchemy import [^\n]*\b(select|update|delete|insert|text)\b|\bsession\.(get|add|execute|"
    r"scalars?|query|delete)\("
)
SLACK_CALL = re.compile(r"\bclient\.\w+\(|\bsend_once\(|\bnotify\w*\(|\brespond\(|\bviews_open\(")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_sql_outside_db_and_services():
    allowed = ("db/", "bot/services/")
    offenders = [_rel(p) for p in APP_CODE if not _rel(p).startswith(allowed) and SQL.search(p.read_text())]
    assert offenders == []


def test_no_slack_inside_db():
    offenders = [
        _rel(p) for p in (ROOT / "db").rglob("*.py") if re.search(r"\bslack_(sdk|bolt)\b", p.read_text())
    ]
    assert offenders == []


def test_environment_is_read_only_by_settings():
    offenders = [
        _rel(p)
        for p in APP_CODE
        if _rel(p) != "bot/config/settings.py" and re.search(r"\bos\.(environ|getenv)\b", p.read_text())
    ]
    assert offenders == []


def test_no_transaction_stays_open_over_a_slack_call():
    """A unit of work open across a network call holds a connection (and SQLite's write lock)
    for as long as Slack takes, rate-limit waits included."""
    offenders = []
    for path in APP_CODE:
        lines = path.read_text().split("\n")
        for i, line in enumerate(lines):
            opened = re.match(r"(\s*)with .*\.session\(\) as ", line)
            if not opened:
                continue
            indent = len(opened.group(1))
            for j in range(i + 1, len(lines)):
                body = lines[j]
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                if SLACK_CALL.search(body):
                    offenders.append(f"{_rel(path)}:{j + 1}")
    assert offenders == []
