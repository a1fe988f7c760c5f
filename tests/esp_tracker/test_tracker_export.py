"""`training-day export tracker`: the tracking sheet opens in a spreadsheet library with one
row per agent: the six ESP statuses, attendance, MIAs, coaching level, failed attempts, red flags."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from openpyxl import load_workbook

import app
from tests.forms.test_forms_esp import submit
from tests.helpers import ANA, BEN, CLASS, TL, import_cohort


@pytest.fixture
def cli_env(world, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-standin")
    monkeypatch.delenv("PLAYBOOK", raising=False)
    return world


def class_with_history(world) -> int:
    cohort_id = import_cohort(world)
    world.clock.set(world.clock.now() + timedelta(days=6))
    submit(world, "cert", carrier="ahip")
    submit(world, "cert", carrier="aetna")
    submit(world, "tbt")
    world.driver.command("/esp", f"<@{ANA}|ana> equipment=in_progress", user=TL, channel=CLASS)
    world.driver.command("/failcert", f"<@{BEN}|ben> aetna 61", user=TL, channel=CLASS)
    world.driver.command(
        "/coach", f"<@{BEN}|ben> conduct verbal Talked over the trainer", user=TL, channel=CLASS
    )
    world.driver.command("/redflag", f"<@{BEN}|ben> license No health license yet", user=TL, channel=CLASS)
    return cohort_id


def test_xlsx_export_has_one_row_per_agent_with_the_tracker(cli_env, tmp_path, capsys):
    cohort_id = class_with_history(cli_env)
    path = tmp_path / "sheet.xlsx"
    assert (
        app.main(["export", "tracker", "--cohort", str(cohort_id), "--format", "xlsx", "--output", str(path)])
        == 0
    )
    assert "3 agent(s)" in capsys.readouterr().out
    sheet = load_workbook(path).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, rows = table[0], {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert header[:9] == [
        "Agent",
        "Slack ID",
        "N-Number",
        "AHIP",
        "Aetna",
        "TBT",
        "Call Cert",
        "Equipment",
        "RTS/No More Forms",
    ]
    assert sorted(rows) == ["Ana Ruiz", "Ben Okafor", "Chloe Martin"]
    ana, ben = rows["Ana Ruiz"], rows["Ben Okafor"]
    assert (ana["AHIP"], ana["Aetna"], ana["TBT"], ana["Call Cert"], ana["Equipment"]) == (
        "complete",
        "complete",
        "complete",
        "not started",
        "in progress",
    )
    assert ana["ESP complete"] == "no" and ana["N-Number"] == "N1234567"
    assert ben["Failed Aetna attempts"] == 1 and ben["Failed AHIP attempts"] == 0
    assert ben["Aetna"] == "in progress"  # a failed attempt typed with /failcert moves the tracker too
    assert ben["Coaching level"] == "Verbal coaching"
    assert ben["Open red flags"] == "No health license yet"
    assert ana["MIAs"] == 0


def test_csv_export(cli_env, tmp_path, capsys):
    cohort_id = class_with_history(cli_env)
    path = tmp_path / "sheet.csv"
    assert (
        app.main(["export", "tracker", "--cohort", str(cohort_id), "--format", "csv", "--output", str(path)])
        == 0
    )
    with path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert len(table) == 4 and table[1][0] == "Ana Ruiz" and table[1][3] == "complete"


def test_unknown_cohort_is_explained(cli_env, tmp_path, capsys):
    assert app.main(["export", "tracker", "--cohort", "999", "--output", str(tmp_path / "x.csv")]) == 2
    assert "no cohort with ID 999" in capsys.readouterr().err


# -- formula-safe ------------------------------------------------------------------------------
EVIL = '=HYPERLINK("https://evil.example/x","Eve")'


def add_evil_agent(world, name: str = EVIL) -> None:
    """An agent whose Slack name is a formula, added the way a TL adds anyone: /cohort add."""
    world.slack.add_user("U0EVIL001", name)
    world.driver.command("/cohort", "add <@U0EVIL001|eve> N7654321 76543210", user=TL, channel=CLASS)


def test_an_agent_named_as_a_formula_is_text_in_the_xlsx(cli_env, tmp_path):
    cohort_id = class_with_history(cli_env)
    add_evil_agent(cli_env)
    cli_env.driver.command(
        "/redflag", f"<@{ANA}|ana> +1 said she'd @everyone; -rm it", user=TL, channel=CLASS
    )
    path = tmp_path / "sheet.xlsx"
    assert app.main(["export", "tracker", "--cohort", str(cohort_id), "--output", str(path)]) == 0
    sheet = load_workbook(path).active
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    evil = cells[EVIL]  # the name as it is, not a formula's result
    assert evil.data_type == "s" and evil.quotePrefix
    flag = next(c for v, c in cells.items() if v.startswith("+1 said"))
    assert flag.data_type == "s" and flag.quotePrefix
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    # The raw file holds no formula element at all.
    import zipfile

    with zipfile.ZipFile(path) as book:
        assert all(b"<f>" not in book.read(n) for n in book.namelist() if n.endswith(".xml"))


def test_an_agent_named_as_a_formula_is_text_in_the_csv(cli_env, tmp_path):
    cohort_id = class_with_history(cli_env)
    for start, user in (("=", "U0EVIL001"), ("@", "U0EVIL002"), ("\t=", "U0EVIL003"), ("-", "U0EVIL004")):
        cli_env.slack.add_user(user, f"{start}cmd|'/C calc'!A0")
        cli_env.driver.command(
            "/cohort", f"add <@{user}|e> N76543{user[-2:]} 765432{user[-2:]}", user=TL, channel=CLASS
        )
    path = tmp_path / "sheet.csv"
    assert (
        app.main(["export", "tracker", "--cohort", str(cohort_id), "--format", "csv", "--output", str(path)])
        == 0
    )
    with path.open(newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    names = [row[0] for row in table[1:]]
    assert "'=cmd|'/C calc'!A0" in names and "'@cmd|'/C calc'!A0" in names and "'-cmd|'/C calc'!A0" in names
    assert not [cell for row in table for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "Ana Ruiz" in names  # ordinary text is left alone
