"""Numbers, IDs and dates at and past their boundaries, in every payload that carries one: one
parser reads them all, and each bad one gets a clear refusal, writes nothing and leaves no
traceback (`²` is a digit to isdigit() but not to int(); 20 digits overflow a column; 5,000 are
past what int() reads; 9999-12-31 overflows once it is given a time and a zone)."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest

from bot.core.errors import InvalidInput
from bot.slack import ids
from bot.slack.parsing import MAX_RECORD_ID, ascii_number, picked_date
from handlers.help_queue import room_number
from handlers.listener import SAVED_THEN_FAILED, UNEXPECTED
from tests.certs.test_policies import _catchup_values
from tests.helpers import BEN, CLASS, PM, TL, import_cohort, replies, text_of
from tests.kernel.test_forged_payloads import _rows

BAD_NUMBERS = [
    "²",
    "٣",
    "1" + "0" * 19,
    "9" * 5000,
    "-1",
    "0",
    "1e3",
    "2.0",
    "",
    " ",
    "0x10",
    str(MAX_RECORD_ID + 1),
]
BAD_IDS = ["superscript", "arabic", "20-digits", "5000-digits", "negative", "zero", "exponent", "decimal",
           "empty", "blank", "hex", "past-int4"]  # fmt: skip

# Every button whose value is a record's id, and who would press it.
BUTTONS = [
    (ids.ACTION_MOVED_TO_PRODUCTION, PM),
    (ids.ACTION_SHEET_TAKE_VALUE, TL),
    (ids.ACTION_MIA_EXCUSE, TL),
    (ids.ACTION_MIA_PRESENT, TL),
    (ids.ACTION_REDFLAG_RESOLVE, PM),
    (ids.ACTION_HELP_CLAIM, TL),
    (ids.ACTION_HELP_RESOLVE, TL),
]


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("value", BAD_NUMBERS, ids=BAD_IDS)
def test_the_one_parser_refuses_what_is_no_number_of_ours(value):
    assert ascii_number(value, most=MAX_RECORD_ID) is None


def test_the_one_parser_takes_what_is():
    assert ascii_number("7", most=9) == 7 and ascii_number(" 42 ", most=99) == 42
    assert ascii_number(str(MAX_RECORD_ID), most=MAX_RECORD_ID) == MAX_RECORD_ID
    assert ascii_number(True, most=9) is None and ascii_number(3, most=9) == 3


@pytest.mark.parametrize("value", BAD_NUMBERS, ids=BAD_IDS)
def test_every_record_button_refuses_a_bad_id_plainly(world, caplog, value):
    import_cohort(world)
    before = _rows(world)
    for action_id, user in BUTTONS:
        reply = world.driver.action(action_id, value, user=user)
        assert reply.status == 200, action_id
        said = replies(world, reply) + [text_of(m) for m in world.slack.dms_to(user)[-1:]]
        assert said and not any(UNEXPECTED in s or SAVED_THEN_FAILED in s for s in said), (action_id, said)
        assert any("out of date" in s or "broken" in s for s in said), (action_id, said)
    assert _rows(world) == before
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    "day", ["²", "1" + "0" * 19, "9" * 5000, "0", "100"], ids=["superscript", "20", "5000", "0", "100"]
)
def test_attendance_set_refuses_a_day_that_is_no_number(world, caplog, day):
    import_cohort(world)
    before = _rows(world)
    reply = world.driver.command(
        "/attendance", f"set <@{BEN}|ben> {day} full_day note", user=TL, channel=CLASS
    )
    [answer] = replies(world, reply)
    assert "is not a day number" in answer and len(answer) < 1000
    assert _rows(world) == before
    _no_tracebacks(caplog)


@pytest.mark.parametrize("room", ["²", "9" * 5000, "1" + "0" * 19], ids=["superscript", "5000", "20"])
def test_a_breakout_room_that_is_no_number_is_refused_on_the_field(room):
    with pytest.raises(InvalidInput) as refused:
        room_number(room, 50)
    assert "breakout room number from 1 to 50" in refused.value.message and refused.value.field == "room"


@pytest.mark.parametrize(
    "day", ["9999-12-31", "0001-01-01", "2026-02-30", "2026-12-04T00:00", "²０２６-12-04", "9" * 5000]
)
def test_catch_up_dates_past_the_calendar_are_refused_on_the_field(world, caplog, day):
    import_cohort(world)
    before = _rows(world)
    picked = _catchup_values([(day, "09:00"), ("2026-12-07", "13:00"), ("2026-12-08", "09:00")])
    reply = world.driver.submit_view(
        ids.VIEW_CATCHUP, picked, user=TL, private_metadata=json.dumps({"agent": BEN}), view_id="V0CUBAD"
    )
    body = reply.json()
    assert body["response_action"] == "errors"
    assert "session 1" in body["errors"][ids.CATCHUP_DATE_BLOCKS[0]].lower()
    assert _rows(world) == before
    _no_tracebacks(caplog)


def test_picked_dates_stay_inside_their_bounds():
    assert picked_date("2026-12-04", earliest=date(2026, 1, 1), latest=date(2026, 12, 31)) == date(
        2026, 12, 4
    )
    assert picked_date("9999-12-31", earliest=date(2026, 1, 1), latest=date(2027, 12, 31)) is None
    assert picked_date(20261204, earliest=date.min, latest=date.max) is None
