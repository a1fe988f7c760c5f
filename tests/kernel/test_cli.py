"""The command line: cohort import (idempotent, all-or-nothing), cohort list, and `run` without tokens."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

import app
from db.models import AuditEntry, Cohort, Enrollment, Person
from db.session import Database
from tests.helpers import sample_cohort

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(database_url, standin, monkeypatch):
    # The CLI talks to the stand-in, never to Slack, whatever it decides to send.
    standin.reset()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-standin")
    monkeypatch.delenv("PLAYBOOK", raising=False)
    db = Database(database_url)
    yield db
    db.delete_all_rows()
    db.dispose()


def _file(tmp_path, **overrides):
    path = tmp_path / "cohort.yml"
    path.write_text(yaml.safe_dump(sample_cohort(**overrides), sort_keys=False))
    return path


def _staff():
    """The cohort's TL and PM, set up by an admin first: an import never gives anybody a role."""
    assert app.main(["person", "add", "U0TL0001", "Tess Lead", "--role", "tl"]) == 0
    assert app.main(["person", "add", "U0PM0001", "Paolo Manager", "--role", "pm"]) == 0


def _counts(db):
    with db.session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m)) for m in (Person, Cohort, Enrollment, AuditEntry)
        )


def test_import_twice_changes_nothing(cli, tmp_path, capsys):
    _staff()
    path = _file(tmp_path)
    assert app.main(["cohort", "import", str(path)]) == 0
    first = _counts(cli)
    assert first[:3] == (5, 1, 3)
    assert app.main(["cohort", "import", str(path)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert _counts(cli) == first


def test_edited_file_updates_in_place(cli, tmp_path, capsys):
    _staff()
    assert app.main(["cohort", "import", str(_file(tmp_path))]) == 0
    raw = sample_cohort(days=4, training_link="https://example.gotowebinar.com/join/999")
    raw["agents"] = raw["agents"][:2]
    (tmp_path / "cohort.yml").write_text(yaml.safe_dump(raw))
    assert app.main(["cohort", "import", str(tmp_path / "cohort.yml")]) == 0
    out = capsys.readouterr().out
    assert "updated cohort: days, training_link" in out and "removed Chloe Martin" in out
    with cli.session() as s:
        [cohort] = s.scalars(select(Cohort)).all()
        assert cohort.days == 4
        statuses = sorted(e.status for e in s.scalars(select(Enrollment)))
        assert statuses == ["active", "active", "removed"]


def test_bad_file_names_field_and_agent_and_writes_nothing(cli, tmp_path, capsys):
    raw = sample_cohort()
    raw["agents"][1]["n_number"] = "28374651"  # Ben's NPN where the N-Number goes
    raw["agents"][2]["slack_id"] = "chloe"
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(raw))
    assert app.main(["cohort", "import", str(tmp_path / "bad.yml")]) == 2
    err = capsys.readouterr().err
    assert "agents[2] (Chloe Martin).slack_id" in err
    assert _counts(cli) == (0, 0, 0, 0)

    raw["agents"][2]["slack_id"] = "U0AG0003"
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(raw))
    assert app.main(["cohort", "import", str(tmp_path / "bad.yml")]) == 2
    err = capsys.readouterr().err
    assert "agents[1] (Ben Okafor).n_number" in err and "looks like an NPN" in err
    assert _counts(cli) == (0, 0, 0, 0)


def test_a_failure_midway_leaves_nothing_half_written(cli, tmp_path, capsys):
    raw = sample_cohort()
    raw["agents"][2]["n_number"] = raw["agents"][0]["n_number"]
    (tmp_path / "dup.yml").write_text(yaml.safe_dump(raw))
    assert app.main(["cohort", "import", str(tmp_path / "dup.yml")]) == 2
    assert "also given to Ana Ruiz" in capsys.readouterr().err
    assert _counts(cli) == (0, 0, 0, 0)


def test_missing_file_and_bad_yaml(cli, tmp_path, capsys):
    assert app.main(["cohort", "import", str(tmp_path / "nope.yml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "x.yml").write_text("name: [")
    assert app.main(["cohort", "import", str(tmp_path / "x.yml")]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_cohort_list(cli, tmp_path, capsys):
    assert app.main(["cohort", "list"]) == 0
    assert "no cohorts yet" in capsys.readouterr().out
    _staff()
    app.main(["cohort", "import", str(_file(tmp_path))])
    capsys.readouterr()
    assert app.main(["cohort", "list"]) == 0
    out = capsys.readouterr().out
    assert "AHIP/Aetna class - Dec 1" in out and "3 agents" in out


def test_person_add(cli, capsys):
    assert app.main(["person", "add", "U0ADM001", "Alex Admin", "--role", "admin"]) == 0
    assert "added Alex Admin (admin)" in capsys.readouterr().out


def test_run_without_tokens_says_what_is_missing(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_playbook_stops_start_with_the_field(tmp_path):
    bad = tmp_path / "playbook.yml"
    bad.write_text("guides: {}\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "PLAYBOOK": str(bad),
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_SIGNING_SECRET": "s",
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "guides.ahip: Field required" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_never_gives_a_role_and_names_the_admin_command(cli, tmp_path, capsys):
    assert app.main(["cohort", "import", str(_file(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "not set up as a team lead" in err and 'training-day person add U0TL0001 "Name" --role tl' in err
    assert _counts(cli) == (0, 0, 0, 0)

    _staff()
    # The PM named as the team lead: refused, and her role stays what the admin set.
    assert app.main(["cohort", "import", str(_file(tmp_path, team_lead="U0PM0001"))]) == 2
    assert "--role tl" in capsys.readouterr().err
    with cli.session() as s:
        assert s.scalar(select(Person.role).where(Person.slack_user_id == "U0PM0001")) == "pm"


def test_roles_change_only_through_person_add_audited_as_a_role_change(cli, capsys):
    assert app.main(["person", "add", "U0TL0009", "Tina Lead", "--role", "agent"]) == 0
    assert app.main(["person", "add", "U0TL0009", "Tina Lead", "--role", "tl"]) == 0
    assert "Tina Lead is now a team lead (was an agent)" in capsys.readouterr().out
    with cli.session() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        [change] = s.scalars(select(AuditEntry).where(AuditEntry.action == "person.role_changed"))
    assert actions == ["person.created", "person.role_changed"]
    assert (change.actor, change.details) == ("cli", {"before": "agent", "after": "tl"})


def test_a_reimport_never_overwrites_an_n_number(cli, tmp_path, capsys):
    _staff()
    assert app.main(["cohort", "import", str(_file(tmp_path))]) == 0
    raw = sample_cohort()
    raw["agents"][0]["n_number"] = "N7654321"
    (tmp_path / "cohort.yml").write_text(yaml.safe_dump(raw))
    before = _counts(cli)
    assert app.main(["cohort", "import", str(tmp_path / "cohort.yml")]) == 2
    assert "/cohort identity" in capsys.readouterr().err
    assert _counts(cli) == before
