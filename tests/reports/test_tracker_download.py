"""The ESP tracker as a file in the requester's DM: the Home's Download buttons and `/esp export`,
through files_upload_v2; only the classes the policy lets them read; formula-safe cells."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from bot.standin.server import dm_channel_for
from db.models import Role
from tests.helpers import PM, TL, add_staff, import_cohort, replies, text_of

TL2, PM2, ESP = "U0TL0002", "U0PM0002", "U0ESP001"
EVIL = '=HYPERLINK("http://x.example","click")'


def _two_classes(world) -> None:
    import_cohort(
        world,
        agents=[
            {"slack_id": "U0AG0001", "name": "Ana Ruiz", "n_number": "N1234567", "npn": "19283746"},
            {"slack_id": "U0AG0002", "name": EVIL, "n_number": "N2345678", "npn": "28374651"},
        ],
    )
    world.slack.add_user(TL2, "Tom Second")
    world.slack.add_user(PM2, "Pia Second")
    add_staff(
        world,
        {TL2: ("Tom Second", Role.TL), PM2: ("Pia Second", Role.PM), ESP: ("Erin Esp", Role.ESP_MANAGER)},
    )
    import_cohort(
        world,
        name="Class two",
        channel="C0CLASS02",
        team_lead=TL2,
        production_manager=PM2,
        agents=[{"slack_id": "U0AG0009", "name": "Zed Nine", "n_number": "N9999999", "npn": "99999999"}],
    )


def test_a_pm_downloads_the_tracker_of_their_own_classes_from_the_home(world):
    _two_classes(world)
    world.driver.event({"type": "app_home_opened", "user": PM, "tab": "home"})
    home = world.slack.state.home[PM]
    buttons = {e["action_id"]: e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert buttons["tracker_download"]["text"]["text"] == "Download tracker (XLSX)"

    reply = world.driver.action("tracker_download", "xlsx", user=PM)
    [upload] = world.slack.uploads(channel=dm_channel_for(PM))
    assert upload.filename.startswith("esp-tracker-ahip-aetna-class-dec-1-") and upload.filename.endswith(
        ".xlsx"
    )
    book = load_workbook(io.BytesIO(upload.content))
    assert book.sheetnames == ["AHIP-Aetna class - Dec 1"]
    sheet = book.worksheets[0]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == sorted(["Ana Ruiz", EVIL])  # not Zed Nine of the other class
    evil = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == EVIL)
    assert evil.data_type == "s"  # text, not a formula
    assert any("in this DM" in r for r in replies(world, reply))
    assert [c.method for c in world.slack.calls() if c.method.startswith("files.")][-2:] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_an_esp_manager_gets_every_class_as_formula_safe_csv(world):
    _two_classes(world)
    reply = world.driver.command("/esp", "export csv", user=ESP, channel="C0GENERAL1")
    [upload] = world.slack.uploads(channel=dm_channel_for(ESP))
    rows = list(csv.reader(io.StringIO(upload.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Class", "Agent"]
    assert {r[0] for r in rows[1:]} == {"AHIP/Aetna class - Dec 1", "Class two"}
    assert "'" + EVIL in [r[1] for r in rows[1:]]
    assert any("3 agents in 2 class(es)" in r for r in replies(world, reply))


def test_agents_and_strangers_get_no_tracker_and_a_bad_format_is_explained(world):
    _two_classes(world)
    reply = world.driver.command("/esp", "export", user="U0AG0001")
    assert any(r.startswith("Sorry") for r in replies(world, reply))
    reply = world.driver.command("/esp", "export pdf", user=TL)
    assert any("`xlsx` or `csv`" in r for r in replies(world, reply))
    assert world.slack.uploads() == []


def test_slack_refusing_the_upload_is_said_plainly(world):
    _two_classes(world)
    world.slack.fail("files.getUploadURLExternal", error="not_allowed_token_type")
    reply = world.driver.command("/esp", "export", user=TL)
    assert any(
        "Slack did not take the file" in r and "not_allowed_token_type" in r for r in replies(world, reply)
    )
    assert world.slack.uploads() == []
    assert text_of({"text": "x"}) == "x"
