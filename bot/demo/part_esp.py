"""Day 3: the TL submits Ana's tracking forms (AHIP cert, Aetna cert with the 13-checkmark
screenshot, TBT), updates the ESP tracker with /esp, and the team's Google Sheet follows within a
minute. The Call Cert team records Ana's pass in the sheet, as it always has (without a sheet, the
TL submits the Call Certification form); that sixth item finishes her tracker and the PM hears that Ana is ready for production. Runs last: it moves the
clock to the afternoon of day 3."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import sheet
from bot.demo.stage import CLASS_CHANNEL, TL, Stage
from bot.slack import ids

ANA, ANA_N, ANA_NPN = "U0AG0001", "N1234567", "19283746"
DAY3_AFTERNOON = datetime(2026, 12, 3, 15, 30, tzinfo=ZoneInfo("America/Chicago"))
# Each form is opened afresh, so each submission has its own view id (the same one is a double click).
OPENED = itertools.count(1)


def _values(
    kind: str,
    n_number: str = ANA_N,
    carrier: str | None = None,
    proof: bool = False,
    extra: dict[str, Any] | None = None,
) -> dict:
    values: dict = {
        ids.FORM_AGENT_BLOCK: {ids.FIELD_INPUT: {"type": "users_select", "selected_user": ANA}},
        ids.FORM_NNUMBER_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": n_number}},
        ids.FORM_DATE_BLOCK: {ids.FIELD_INPUT: {"type": "datepicker", "selected_date": "2026-12-03"}},
    }
    if carrier:
        values[ids.FORM_CARRIER_BLOCK] = {
            ids.FIELD_INPUT: {"type": "static_select", "selected_option": {"value": carrier}}
        }
    if proof:
        values[ids.FORM_PROOF_BLOCK] = {
            ids.FIELD_INPUT: {"type": "file_input", "files": [{"id": "F0ANAPROOF"}]}
        }
        values[ids.FORM_CONFIRM_BLOCK] = {
            ids.FIELD_INPUT: {"type": "checkboxes", "selected_options": [{"value": carrier}]}
        }
    for block_id, state in (extra or {}).items():
        values[block_id] = {ids.FIELD_INPUT: state}
    return values


def _submit(stage: Stage, kind: str, what: str, values: dict) -> None:
    stage.narrate(f"Tess fills in the {what} form and presses Submit.")
    reply = stage.world.driver.submit_view(
        ids.VIEW_FORMS[kind], values, user=TL, view_id=f"V0DEMOFORM{next(OPENED)}"
    )
    for message in (reply.json().get("errors") or {}).values():
        stage.out.write(f"  [form refuses] {message}\n")
    stage.show()


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("Day 3: Ana's tracking forms and the ESP tracker")
    if world.clock.now() < DAY3_AFTERNOON:
        world.clock.set(DAY3_AFTERNOON)
    stage.says(TL, "/forms @Ana Ruiz")
    world.driver.command(ids.FORMS, f"<@{ANA}|ana.ruiz>", user=TL, channel=CLASS_CHANNEL)
    stage.show()

    _submit(
        stage,
        "cert",
        f"AHIP Carrier Cert Completion (N-Number typed as the NPN {ANA_NPN})",
        _values("cert", n_number=ANA_NPN, carrier="ahip"),
    )
    _submit(stage, "cert", "AHIP Carrier Cert Completion (N-Number fixed)", _values("cert", carrier="ahip"))
    _submit(
        stage,
        "cert",
        "Aetna Carrier Cert Completion, without the screenshot",
        _values("cert", carrier="aetna"),
    )
    _submit(
        stage,
        "cert",
        "Aetna Carrier Cert Completion with the 13-checkmark screenshot",
        _values("cert", carrier="aetna", proof=True),
    )
    _submit(
        stage,
        "tbt",
        "TBT Completion",
        _values("tbt", extra={ids.FORM_TRAINER_BLOCK: {"type": "plain_text_input", "value": "Tess"}}),
    )
    if stage.sheets is None:
        # Without the team's sheet, the TL records the call certification with its form.
        _submit(
            stage,
            "callcert",
            "Call Certification (4 of 5 calls at 85% or more)",
            _values(
                "callcert",
                extra={
                    # Call 1 is coached live (100); four of five at 85% or more certify.
                    **{
                        block: {"type": "plain_text_input", "value": "Quinn (QA)"}
                        for block in ids.FORM_CALL_EVALUATOR_BLOCKS[:5]
                    },
                    **{
                        block: {"type": "plain_text_input", "value": score}
                        for block, score in zip(
                            ids.FORM_CALL_SCORE_BLOCKS[1:5], ("92", "88", "79", "90"), strict=True
                        )
                    },
                },
            ),
        )
    stage.says(TL, "/esp @Ana Ruiz equipment=complete rts=complete")
    world.driver.command(
        ids.ESP, f"<@{ANA}|ana.ruiz> equipment=complete rts=complete", user=TL, channel=CLASS_CHANNEL
    )
    stage.show()

    _sheet_follows(stage)


def _sheet_follows(stage: Stage) -> None:
    """The push job (every 20 seconds) writes the bot's columns; the pull job (every 3 minutes)
    reads the other teams' columns."""
    world, sheets = stage.world, stage.sheets
    if sheets is None:
        return
    world.clock.advance(timedelta(seconds=20))
    world.run_job("bot.sheet_sync.jobs:push_sheet")
    stage.narrate(
        "Within a minute the team's Google Sheet shows what Training Day knows (the bot's columns only):"
    )
    stage.out.write(sheet.row_line(sheets, ANA_N) + "\n")
    stage.narrate("Quinn, on the Call Cert team, types Pass in Ana's Call Cert cell, as the team always has.")
    sheets.type_into(sheet.SHEET_ID, sheet.TAB, "N-Number", ANA_N, "Call Cert", "Pass")
    world.clock.advance(timedelta(minutes=3))
    world.run_job("bot.sheet_sync.jobs:pull_sheet")
    stage.show()
