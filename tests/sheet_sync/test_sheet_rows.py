"""One identity, one row: a copy of an agent's row in the team's sheet (same agent ID) never moves
the tracker and never makes a "disagreement"; the bot's tagged row wins, and the TL is told of the
copy once while it stays."""

from __future__ import annotations

from sqlalchemy import select

from bot.esp_tracker import service as esp
from bot.slack import ids
from bot.standin.transcript import flatten_blocks
from db.models import AuditEntry, Person
from tests.helpers import ANA, CLASS, PM, TL, import_cohort, reached, text_of
from tests.sheet_sync.test_sheet_sync import ANA_N, HEADER, SHEET_ID, TAB, pull, push, row, sheet_notes_to


def copy_of_row(values: dict[str, str], **changes: str) -> list[str]:
    merged = values | changes
    return [merged.get(h, "") for h in HEADER]


def copies_told_to(world, user: str) -> list[dict]:
    return [m for m in reached(world, user) if "is also on row" in text_of(m)]


def status(world, user: str, item: str) -> str:
    with world.ctx.db.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == user))
        return esp.status_of(session, person.id, item)


def test_a_copy_inserted_above_the_tagged_row_never_moves_the_tracker(sworld, sheets):
    import_cohort(sworld)
    push(sworld)  # Ana's row 2 is tagged as hers
    pull(sworld)
    ana = row(sheets, ANA_N)
    # The attack: a copy of Ana's row above hers, with TBT passed and a bot cell typed over.
    sheets.insert_row(SHEET_ID, TAB, 2, copy_of_row(ana, TBT="Pass", Aetna="Complete"))
    result = pull(sworld)
    assert result.changed == [] and result.disagreements == []
    assert status(sworld, ANA, "tbt") == esp.NOT_STARTED
    assert status(sworld, ANA, "aetna") == esp.NOT_STARTED
    assert not [m for m in sworld.slack.dms_to(PM) if "ESP-complete" in text_of(m)]
    assert sheet_notes_to(sworld, TL) == [
        m for m in sheet_notes_to(sworld, TL) if "is also on row" in text_of(m)
    ]

    # The TL hears of the copy once, naming the row that counts and the copy.
    told = copies_told_to(sworld, TL)
    assert len(told) == 1
    note = "\n".join(flatten_blocks(told[0]["blocks"]))
    assert "Ana Ruiz" in note and ANA_N in note and "also on row 2" in note and "only row 3" in note
    pull(sworld)
    pull(sworld)
    assert len(copies_told_to(sworld, TL)) == 1
    with sworld.ctx.db.session() as session:
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "sheet.duplicate_rows")).all()
        assert [(a.details["row"], a.details["copies"]) for a in audits] == [(3, [2])]

    # The bot writes only to Ana's own row; the copy keeps what was typed there.
    sworld.driver.command(ids.ESP, f"<@{ANA}|ana> equipment=complete", user=TL, channel=CLASS)
    push(sworld)
    rows = sheets.rows(SHEET_ID, TAB)
    assert rows[1][HEADER.index("Equipment")] == "Not Started" and rows[1][HEADER.index("TBT")] == "Pass"
    assert rows[2][HEADER.index("Equipment")] == "Complete" and rows[2][HEADER.index("TBT")] == ""

    # Her own row still moves the tracker.
    sheets.spreadsheets[SHEET_ID].sheets[0].rows[2][HEADER.index("TBT")] = "Pass"
    pull(sworld)
    assert status(sworld, ANA, "tbt") == esp.COMPLETE


def test_a_copy_deleted_and_made_again_is_told_again(sworld, sheets):
    import_cohort(sworld)
    push(sworld)
    ana = row(sheets, ANA_N)
    sheets.spreadsheets[SHEET_ID].sheets[0].rows.append(copy_of_row(ana))
    pull(sworld)
    assert len(copies_told_to(sworld, TL)) == 1
    del sheets.spreadsheets[SHEET_ID].sheets[0].rows[-1]
    pull(sworld)
    sheets.spreadsheets[SHEET_ID].sheets[0].rows.append(copy_of_row(ana, TBT="Pass"))
    pull(sworld)
    told = copies_told_to(sworld, TL)
    assert len(told) == 2 and f"also on row {len(sheets.rows(SHEET_ID, TAB))}" in text_of(told[1])
    assert status(sworld, ANA, "tbt") == esp.NOT_STARTED


def test_without_a_tag_the_first_row_counts_and_the_push_tags_it(sworld, sheets):
    import_cohort(sworld)
    ana = row(sheets, ANA_N)
    sheets.spreadsheets[SHEET_ID].sheets[0].rows.append(copy_of_row(ana, TBT="Pass"))
    pull(sworld)  # before any push: no tags yet
    assert status(sworld, ANA, "tbt") == esp.NOT_STARTED
    assert len(copies_told_to(sworld, TL)) == 1
    push(sworld)
    tagged = {
        m["metadataValue"]: m["location"]["dimensionRange"]["startIndex"] + 1
        for m in sheets.metadata(SHEET_ID)
    }
    assert tagged[ANA_N] == 2
    copy = next(r for r in sheets.rows(SHEET_ID, TAB) if r[1] == ANA_N and r[HEADER.index("TBT")] == "Pass")
    assert copy[HEADER.index("AHIP")] == ""  # the copy is never written
