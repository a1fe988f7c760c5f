"""Day 3: the TL submits Ana's tracking forms (AHIP cert, Aetna cert with the 13-checkmark
screenshot, TBT, call certification), finishes the ESP tracker with /esp, and the PM hears
that Ana is ready for production. Runs last: it moves the clock to the afternoon of day 3."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.stage import CLASS_CHANNEL, TL, Stage
from bot.slack import ids

ANA, ANA_N, ANA_NPN = "U0AG0001", "N1234567", "19283746"
DAY3_AFTERNOON = datetime(2026, 12, 3, 15, 30, tzinfo=ZoneInfo("America/Chicago"))


def _values(
    kind: str,
    n_number: str = ANA_N,
    carrier: str | None = None,
    proof: bool = False,
    extra: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A form's state values as Slack sends them; `extra` maps more block ids to their input."""
    values: dict[str, Any] = {
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


def _submit(stage: Stage, kind: str, what: str, values: dict[str, Any]) -> None:
    stage.narrate(f"Tess fills in the {what} form and presses Submit.")
    reply = stage.world.driver.submit_view(ids.VIEW_FORMS[kind], values, user=TL)
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
    _submit(
        stage,
        "callcert",
        "Call Certification (pass)",
        _values(
            "callcert",
            extra={
                ids.FORM_EVALUATOR_BLOCK: {"type": "plain_text_input", "value": "Quinn (QA)"},
                ids.FORM_RESULT_BLOCK: {"type": "radio_buttons", "selected_option": {"value": "pass"}},
            },
        ),
    )

    stage.says(TL, "/esp @Ana Ruiz equipment=complete rts=complete")
    world.driver.command(
        ids.ESP, f"<@{ANA}|ana.ruiz> equipment=complete rts=complete", user=TL, channel=CLASS_CHANNEL
    )
    stage.show()
