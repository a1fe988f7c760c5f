"""The team's Google Sheet ESP tracker, kept in step with the bot's through the Sheets API stand-in:
the mapping check, pushing the bot's columns (batched, by agent ID and row tag, never into another
team's column or another agent's row, nothing lost to a 429 or a restart), pulling the other teams'
columns (the PM's ESP-complete DM once), and a bot cell someone typed over."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

import app
from bot.esp_tracker import service as esp
from bot.sheet_sync import pull as sheet_pull
from bot.sheet_sync import push as sheet_push
from bot.slack import ids
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
from bot.standin.sheets import SheetsStandIn
from db.models import AuditEntry, SheetWrite
from db.session import Database
from tests.conftest import AGENTS, DEFAULT_START, STAFF
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, reached, replies, text_of

SHEET_ID = "1TrackerSheetStandIn"
TAB = "ESP Tracker"
HEADER = [
    "Agent Name",
    "N-Number",
    "AHIP",
    "Aetna",
    "TBT",
    "Call Cert",
    "Equipment",
    "RTS/No More Forms",
    "Day 1",
    "Day 2",
    "Day 3",
    "Red Flags",
    "Onboarding",
]
TEAM_COLUMNS = {"Agent Name", "N-Number", "TBT", "Call Cert", "Onboarding"}
ANA_N, BEN_N, CHLOE_N, STRANGER_N = "N1234567", "N2345678", "N3456789", "N9999999"


def initial_rows() -> list[list[str]]:
    return [
        HEADER,
        ["Ana Ruiz", ANA_N, "", "", "", "", "", "", "", "", "", "", "Badge sent"],
        ["Ben Okafor", BEN_N, "", "", "Scheduled", "", "", "", "", "", "", "", ""],
        [
            "Zoe Other",
            STRANGER_N,
            "Complete",
            "Complete",
            "Pass",
            "Pass",
            "",
            "",
            "",
            "",
            "",
            "",
            "Onboarded",
        ],
    ]


@pytest.fixture(scope="session")
def sheets() -> Iterator[SheetsStandIn]:
    server = SheetsStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def key_json(sheets: SheetsStandIn) -> str:
    return json.dumps(sheets.service_account_key())


def sheet_settings(sheets: SheetsStandIn, key_json: str) -> dict[str, object]:
    return {
        "tracker_sheet_id": SHEET_ID,
        "google_service_account_json": key_json,
        "sheets_api_url": sheets.api_url,
    }


@pytest.fixture
def sworld(database_url: str, standin: SlackStandIn, sheets: SheetsStandIn, key_json: str) -> Iterator[World]:
    standin.reset()
    sheets.reset()
    sheets.add_spreadsheet(SHEET_ID, TAB, initial_rows())
    for user_id, name in {**STAFF, **AGENTS}.items():
        standin.add_user(user_id, name)
    w = World(
        database_url,
        start=DEFAULT_START,
        standin=standin,
        migrate=False,
        extra_settings=sheet_settings(sheets, key_json),
    )
    w.sheets = sheets  # type: ignore[attr-defined]
    try:
        yield w
    finally:
        w.close()
        db = Database(database_url)
        try:
            db.delete_all_rows()
        finally:
            db.dispose()


def push(world: World) -> sheet_push.PushResult:
    world.clock.advance(timedelta(seconds=20))
    result = world.run_job("bot.sheet_sync.jobs:push_sheet")
    assert result is None
    return sheet_push.push(world.ctx)  # a second run sends nothing new


def row(sheets: SheetsStandIn, agent_id: str) -> dict[str, str]:
    return sheets.row_of(SHEET_ID, TAB, "N-Number", agent_id)


def written_columns(sheets: SheetsStandIn) -> set[str]:
    """The headers of every column any write request touched."""
    touched = set()
    for call in sheets.writes():
        if call.method == "spreadsheets.values.batchUpdate":
            for entry in call.body["data"]:
                cell_ref = entry["range"].split("!")[1]
                letters = "".join(ch for ch in cell_ref if ch.isalpha())
                touched.add(HEADER[ord(letters) - ord("A")])
        if call.method == "spreadsheets.values.append":
            for values in call.body["values"]:
                touched |= {HEADER[i] for i, v in enumerate(values) if v}
    return touched


# -- without a sheet --------------------------------------------------------------------------
def test_without_the_settings_nothing_is_synced_and_nothing_queued(world):
    import_cohort(world)
    assert not world.settings.sheet_sync_enabled()
    assert sheet_push.push(world.ctx).skipped == "not configured"
    assert sheet_pull.pull(world.ctx).skipped == "not configured"
    with world.ctx.db.session() as session:
        assert session.scalars(select(SheetWrite)).all() == []


# -- the mapping check --------------------------------------------------------------------------
def test_sheet_check_reports_columns_agents_and_unmatched_rows_and_changes_nothing(
    sworld, sheets, key_json, monkeypatch, capsys
):
    import_cohort(sworld)
    monkeypatch.setenv("DATABASE_URL", sworld.database_url)
    monkeypatch.setenv("TRACKER_SHEET_ID", SHEET_ID)
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", key_json)
    monkeypatch.setenv("SHEETS_API_URL", sheets.api_url)
    before = sheets.rows(SHEET_ID, TAB)
    assert app.main(["sheet", "check"]) == 0
    out = capsys.readouterr().out
    assert "column B: N-Number" in out and "column F: Call Cert" in out
    assert "Ana Ruiz (N1234567): row 2" in out and "Ben Okafor (N2345678): row 3" in out
    assert "Chloe Martin (N3456789)" in out  # to be appended
    assert "row 4: Zoe Other (N9999999)" in out
    assert "Mapping OK; nothing was changed." in out
    assert sheets.writes() == [] and sheets.rows(SHEET_ID, TAB) == before

    sheets.add_spreadsheet(SHEET_ID, TAB, [[h for h in HEADER if h != "Call Cert"], *initial_rows()[1:]])
    assert app.main(["sheet", "check"]) == 1
    assert "MISSING column: Call Cert" in capsys.readouterr().out


# -- push -----------------------------------------------------------------------------------------
def test_first_push_fills_the_bot_columns_appends_missing_agents_and_tags_rows(sworld, sheets):
    import_cohort(sworld)
    result = push(sworld)
    assert result.sent == 0 and result.skipped is None  # everything went on the first run
    ana = row(sheets, ANA_N)
    assert ana["AHIP"] == "Not Started" and ana["Equipment"] == "Not Started"
    assert ana["Onboarding"] == "Badge sent" and ana["TBT"] == ""  # other teams' cells untouched
    chloe = row(sheets, CHLOE_N)
    assert chloe["Agent Name"] == "Chloe Martin" and chloe["Aetna"] == "Not Started"
    assert row(sheets, STRANGER_N)["AHIP"] == "Complete"  # a row no agent matches is left alone
    assert written_columns(sheets) <= set(HEADER) - (TEAM_COLUMNS - {"Agent Name", "N-Number"})
    assert not (written_columns(sheets) & {"TBT", "Call Cert", "Onboarding"})
    writes = [c.method for c in sheets.writes()]
    assert writes == [
        "spreadsheets.values.append",
        "spreadsheets.batchUpdate",
        "spreadsheets.values.batchUpdate",
    ]
    tagged = {
        m["metadataValue"]: m["location"]["dimensionRange"]["startIndex"] + 1
        for m in sheets.metadata(SHEET_ID)
    }
    assert tagged == {ANA_N: 2, BEN_N: 3, CHLOE_N: 5}


def test_a_tl_esp_update_reaches_the_sheet_within_a_minute_in_one_batch(sworld, sheets):
    import_cohort(sworld)
    push(sworld)
    before = len(sheets.writes())
    reply = sworld.driver.command(
        ids.ESP, f"<@{ANA}|ana> aetna=complete equipment=complete", user=TL, channel=CLASS
    )
    assert "Updated" in replies(sworld, reply)[0]
    push(sworld)
    new = sheets.writes()[before:]
    assert [c.method for c in new] == ["spreadsheets.values.batchUpdate"]
    assert sorted(d["range"] for d in new[0].body["data"]) == ["'ESP Tracker'!D2", "'ESP Tracker'!G2"]
    assert row(sheets, ANA_N)["Aetna"] == "Complete" and row(sheets, ANA_N)["Equipment"] == "Complete"


def test_sorting_and_inserting_rows_never_sends_a_value_to_the_wrong_row(sworld, sheets):
    import_cohort(sworld)
    push(sworld)
    sheets.sort_rows(SHEET_ID, TAB, "Agent Name", reverse=True)
    sheets.insert_row(SHEET_ID, TAB, 2, ["Yan New", "N7777777", "Complete"])
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> ahip=complete", user=TL, channel=CLASS)
    sworld.driver.command(ids.ESP, f"<@{BEN}|ben> rts=blocked", user=TL, channel=CLASS)
    push(sworld)
    assert row(sheets, ANA_N)["AHIP"] == "Complete"
    assert row(sheets, BEN_N)["RTS/No More Forms"] == "Blocked"
    assert (
        row(sheets, "N7777777")["AHIP"] == "Complete" and row(sheets, STRANGER_N)["RTS/No More Forms"] == ""
    )
    assert row(sheets, CHLOE_N)["AHIP"] == "Not Started"

    # Someone retypes the ID in Ana's tagged row: the tag no longer vouches for it, the ID column decides.
    rows = sheets.rows(SHEET_ID, TAB)
    ana_row = next(i for i, r in enumerate(rows) if r[1] == ANA_N)
    sheets.spreadsheets[SHEET_ID].sheets[0].rows[ana_row][1] = "N0000000"
    sheets.spreadsheets[SHEET_ID].sheets[0].rows.append(["Ana Ruiz", ANA_N])
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> aetna=complete", user=TL, channel=CLASS)
    push(sworld)
    assert row(sheets, ANA_N)["Aetna"] == "Complete"
    assert row(sheets, "N0000000")["Aetna"] == "Not Started"


def test_a_quota_429_and_a_restart_lose_no_write(sworld, sheets):
    import_cohort(sworld)
    push(sworld)
    sheets.fail("spreadsheets.values.batchUpdate", status=429, retry_after=45)
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> ahip=complete", user=TL, channel=CLASS)
    sworld.clock.advance(timedelta(seconds=20))
    failed = sheet_push.push(sworld.ctx)
    assert failed.error and "429" in failed.error
    assert row(sheets, ANA_N)["AHIP"] == "Not Started"

    sworld.restart()
    sworld.clock.advance(timedelta(seconds=20))
    assert sheet_push.push(sworld.ctx).skipped.startswith("backing off")  # Retry-After is honoured
    sheets.fail("spreadsheets.values.batchUpdate", status=503, times=1)
    sworld.clock.advance(timedelta(seconds=30))
    assert "503" in (sheet_push.push(sworld.ctx).error or "")
    sworld.clock.advance(timedelta(minutes=2))
    assert sheet_push.push(sworld.ctx).sent == 1
    assert row(sheets, ANA_N)["AHIP"] == "Complete"
    with sworld.ctx.db.session() as session:
        assert session.scalars(select(SheetWrite)).all() == []


def test_writes_stay_under_the_per_minute_quota(sworld, sheets):
    import_cohort(sworld)
    push(sworld)
    start = sworld.clock.now()
    statuses = ["in_progress", "complete"]
    for i in range(20):
        sworld.driver.command(ids.ESP, f"<@{ANA}|ana> ahip={statuses[i % 2]}", user=TL, channel=CLASS)
        sworld.clock.advance(timedelta(seconds=2))
        sheet_push.push(sworld.ctx)
    assert sworld.clock.now() - start < timedelta(minutes=1)
    limit = sworld.ctx.playbook.sheet_sync.max_writes_per_minute
    assert len(sheets.writes()) <= limit + 4  # the first push's three, then the budget
    sworld.clock.advance(timedelta(minutes=1))
    sheet_push.push(sworld.ctx)
    assert row(sheets, ANA_N)["AHIP"] == "Complete"  # the last value wins, nothing lost


def test_the_scheduler_runs_push_and_pull_as_housekeeping_jobs(sworld):
    from datetime import UTC

    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler import runner

    # A memory job store: the real one would leave its table in the shared test database.
    scheduler = BackgroundScheduler(timezone=UTC)
    run = runner.Runner(ctx=sworld.ctx, scheduler=scheduler)
    scheduler.start(paused=True)
    try:
        run.add_housekeeping()
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert jobs["sheet:push"].func_ref == "bot.sheet_sync.jobs:push_sheet"
        assert jobs["sheet:pull"].func_ref == "bot.sheet_sync.jobs:pull_sheet"
        assert jobs["sheet:push"].trigger.interval <= timedelta(minutes=1)
    finally:
        scheduler.shutdown(wait=False)


# -- pull -----------------------------------------------------------------------------------------
def pull(world: World) -> sheet_pull.PullResult:
    world.clock.advance(timedelta(minutes=3))
    world.run_job("bot.sheet_sync.jobs:pull_sheet")
    return sheet_pull.pull(world.ctx)


def test_the_call_cert_teams_pass_finishes_an_agent_and_dms_the_pm_once(sworld, sheets):
    import_cohort(sworld)
    sworld.driver.command(
        ids.ESP,
        f"<@{ANA}|ana> ahip=complete aetna=complete tbt=complete equipment=complete rts=complete",
        user=TL,
        channel=CLASS,
    )
    push(sworld)
    assert not [m for m in sworld.slack.dms_to(PM) if "ESP-complete" in text_of(m)]
    sheets.type_into(SHEET_ID, TAB, "N-Number", ANA_N, "Call Cert", "Pass")
    sheets.type_into(SHEET_ID, TAB, "N-Number", BEN_N, "TBT", "Done")
    again = pull(sworld)
    assert again.changed == []  # the same values read again change nothing
    with sworld.ctx.db.session() as session:
        ana = session.scalar(select(esp.Person).where(esp.Person.slack_user_id == ANA))
        assert esp.status_of(session, ana.id, "callcert") == esp.COMPLETE
        ben = session.scalar(select(esp.Person).where(esp.Person.slack_user_id == BEN))
        assert esp.status_of(session, ben.id, "tbt") == esp.COMPLETE
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "esp.sheet_value")).all()
        assert {(a.details["header"], a.details["value"]) for a in audits} == {
            ("Call Cert", "Pass"),
            ("TBT", "Done"),
        }
        updates = session.scalars(select(AuditEntry).where(AuditEntry.action == "esp.updated")).all()
        assert {u.details["source"] for u in updates if u.details["item"] == "callcert"} == {"sheet"}
    pm_dms = [m for m in sworld.slack.dms_to(PM) if "ESP-complete" in text_of(m)]
    assert len(pm_dms) == 1 and "Ana Ruiz" in text_of(pm_dms[0])

    # Typed again in Slack, and the sheet read again: still one DM.
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> callcert=complete", user=TL, channel=CLASS)
    pull(sworld)
    assert len([m for m in sworld.slack.dms_to(PM) if "ESP-complete" in text_of(m)]) == 1


def test_an_unmapped_word_changes_nothing_and_is_reported(sworld, sheets):
    import_cohort(sworld)
    sheets.type_into(SHEET_ID, TAB, "N-Number", ANA_N, "TBT", "maybe?")
    sworld.clock.advance(timedelta(minutes=3))
    result = sheet_pull.pull(sworld.ctx)
    assert result.unknown_words == ["N1234567 TBT: 'maybe?'"]
    with sworld.ctx.db.session() as session:
        ana = session.scalar(select(esp.Person).where(esp.Person.slack_user_id == ANA))
        assert esp.status_of(session, ana.id, "tbt") == esp.NOT_STARTED


def test_pull_reads_all_columns_in_one_batch_get(sworld, sheets):
    import_cohort(sworld)
    before = len(sheets.calls("spreadsheets.values.batchGet"))
    sworld.clock.advance(timedelta(minutes=3))
    sheet_pull.pull(sworld.ctx)
    gets = sheets.calls("spreadsheets.values.batchGet")[before:]
    assert len(gets) == 1 and gets[0].params["majorDimension"] == "COLUMNS"
    assert sheets.writes() == []


# -- disagreement -----------------------------------------------------------------------------------
def sheet_notes_to(world: World, user: str) -> list[dict]:
    return [m for m in reached(world, user) if "tracking sheet" in text_of(m)]


def test_a_bot_cell_typed_over_is_kept_told_to_the_tl_once_and_can_be_taken(sworld, sheets):
    import_cohort(sworld)
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> aetna=complete", user=TL, channel=CLASS)
    push(sworld)
    sheets.type_into(SHEET_ID, TAB, "N-Number", ANA_N, "Aetna", "In Progress")
    sheets.type_into(SHEET_ID, TAB, "N-Number", ANA_N, "AHIP", "not started")  # same meaning: no fuss
    writes_before = len(sheets.writes())
    result = pull(sworld)
    push(sworld)
    assert result.disagreements == []  # the second read says nothing new
    assert len(sheets.writes()) == writes_before  # the bot does not write over them
    notes = sheet_notes_to(sworld, TL)
    assert len(notes) == 1
    note = text_of(notes[0])
    assert "Ana Ruiz" in note and "Aetna" in note and "“In Progress”" in note and "“Complete”" in note
    button = next(b for b in notes[0]["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == ids.ACTION_SHEET_TAKE_VALUE

    # The agent's own attempt is refused; the TL's is taken, audited, and the sheet left as is.
    refused = sworld.driver.action(ids.ACTION_SHEET_TAKE_VALUE, button["value"], user=ANA)
    assert replies(sworld, refused)[0].startswith("Sorry")
    taken = sworld.driver.action(ids.ACTION_SHEET_TAKE_VALUE, button["value"], user=TL)
    assert "now “In Progress”" in replies(sworld, taken)[0]
    with sworld.ctx.db.session() as session:
        ana = session.scalar(select(esp.Person).where(esp.Person.slack_user_id == ANA))
        assert esp.status_of(session, ana.id, "aetna") == esp.IN_PROGRESS
    push(sworld)
    pull(sworld)
    assert len(sheets.writes()) == writes_before and row(sheets, ANA_N)["Aetna"] == "In Progress"
    again = sworld.driver.action(ids.ACTION_SHEET_TAKE_VALUE, button["value"], user=TL)
    assert "already agrees" in replies(sworld, again)[0]
    assert len(sheet_notes_to(sworld, TL)) == 1


def test_a_new_value_in_slack_replaces_the_typed_over_cell(sworld, sheets):
    import_cohort(sworld)
    push(sworld)
    sheets.type_into(SHEET_ID, TAB, "N-Number", BEN_N, "Equipment", "Shipped?")
    pull(sworld)
    assert len(sheet_notes_to(sworld, TL)) == 1
    sworld.driver.command(ids.ESP, f"<@{BEN}|ben> equipment=complete", user=TL, channel=CLASS)
    push(sworld)
    assert row(sheets, BEN_N)["Equipment"] == "Complete"
    pull(sworld)
    assert len(sheet_notes_to(sworld, TL)) == 1


# -- set-up problems and protection ------------------------------------------------------------------
def test_a_sheet_not_shared_or_missing_backs_off_without_losing_the_queue(sworld, sheets):
    import_cohort(sworld)
    sheets.spreadsheets.pop(SHEET_ID)
    sworld.clock.advance(timedelta(seconds=20))
    failed = sheet_push.push(sworld.ctx)
    assert failed.error and "404" in failed.error
    sworld.clock.advance(timedelta(minutes=5))
    assert sheet_push.push(sworld.ctx).skipped.startswith("backing off")
    sheets.add_spreadsheet(SHEET_ID, TAB, initial_rows())
    sworld.clock.advance(timedelta(minutes=6))
    assert sheet_push.push(sworld.ctx).error is None
    assert row(sheets, CHLOE_N)["AHIP"] == "Not Started"


def test_a_push_every_20_seconds_signs_in_once(sworld, sheets):
    import_cohort(sworld)
    tokens = len(sheets.calls("token"))
    for status in ("in_progress", "complete", "blocked"):
        sworld.driver.command(ids.ESP, f"<@{ANA}|ana> rts={status}", user=TL, channel=CLASS)
        push(sworld)
    assert len(sheets.calls("token")) - tokens <= 1
    assert row(sheets, ANA_N)["RTS/No More Forms"] == "Blocked"


def test_warning_only_protection_of_the_bot_columns(database_url, standin, sheets, key_json, tmp_path):
    import yaml

    from bot.config.settings import SHIPPED_PLAYBOOK

    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    raw["sheet_sync"]["protect_bot_columns"] = True
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(yaml.safe_dump(raw))
    standin.reset()
    sheets.reset()
    sheets.add_spreadsheet(SHEET_ID, TAB, initial_rows())
    with World(
        database_url,
        start=DEFAULT_START,
        standin=standin,
        migrate=False,
        playbook=playbook,
        extra_settings=sheet_settings(sheets, key_json),
    ) as world:
        try:
            push(world)
            push(world)
            protected = sheets.protected_ranges(SHEET_ID, TAB)
            columns = sorted(HEADER[p["range"]["startColumnIndex"]] for p in protected)
            assert columns == sorted(
                ["AHIP", "Aetna", "Equipment", "RTS/No More Forms", "Day 1", "Day 2", "Day 3", "Red Flags"]
            )
            assert all(p["warningOnly"] is True and p["range"]["startRowIndex"] == 1 for p in protected)
        finally:
            db = Database(database_url)
            db.delete_all_rows()
            db.dispose()


def test_attendance_codes_and_red_flag_notes_reach_their_columns(sworld, sheets):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import_cohort(sworld)
    sworld.advance_to(datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("America/Chicago")))
    reply = sworld.driver.command(
        ids.REDFLAG, f"<@{BEN}|ben> background Carrier background check pending", user=TL, channel=CLASS
    )
    assert replies(sworld, reply)
    push(sworld)
    ben = row(sheets, BEN_N)
    assert ben["Day 1"] == sworld.ctx.playbook.attendance.label("absent_unapproved")  # not checked in yet
    assert ben["Red Flags"] == "Tess Lead - 12/1/2026 - Carrier background check pending"
    assert ben["Day 2"] == ""


def test_a_key_file_that_does_not_load_is_reported_not_retried_every_run(sworld, tmp_path):
    sworld.settings.google_service_account_json = None
    sworld.settings.google_service_account_file = tmp_path / "missing-key.json"
    import_cohort(sworld)
    sworld.clock.advance(timedelta(seconds=20))
    failed = sheet_push.push(sworld.ctx)
    assert failed.error and "does not load" in failed.error
    sworld.clock.advance(timedelta(minutes=1))
    assert sheet_push.push(sworld.ctx).skipped.startswith("backing off")
