"""The demo's copy of the team's Google Sheet ESP tracker, on the Sheets API stand-in: the key the
bot signs in with, the sheet as the licensing team keeps it, and a narrator for one agent's row."""

from __future__ import annotations

import json

from bot.standin.sheets import SheetsStandIn

SHEET_ID = "1DemoTeamEspTrackerSheet"
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
SHOWN = ["AHIP", "Aetna", "TBT", "Call Cert", "Equipment", "RTS/No More Forms", "Day 1"]


def start_sheet() -> tuple[SheetsStandIn, dict[str, object]]:
    """The stand-in with the team's sheet, and the settings that point the bot at it."""
    sheets = SheetsStandIn().start()
    key = sheets.service_account_key()
    rows = [HEADER] + [
        [name, n_number] + [""] * (len(HEADER) - 3) + [onboarding]
        for name, n_number, onboarding in (
            ("Ana Ruiz", "N1234567", "Badge sent"),
            ("Ben Okafor", "N2345678", ""),
            ("Chloe Martin", "N3456789", "Badge sent"),
        )
    ]
    sheets.add_spreadsheet(SHEET_ID, TAB, rows, title="Licensing - ESP Tracker")
    settings: dict[str, object] = {
        "tracker_sheet_id": SHEET_ID,
        "google_service_account_json": json.dumps(key),
        "sheets_api_url": sheets.api_url,
    }
    return sheets, settings


def row_line(sheets: SheetsStandIn, n_number: str) -> str:
    row = sheets.row_of(SHEET_ID, TAB, "N-Number", n_number)
    cells = " | ".join(f"{h}: {row.get(h) or '-'}" for h in SHOWN)
    return f"  [Google Sheet, {row['Agent Name']}] {cells}"
