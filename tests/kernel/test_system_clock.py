"""The clock production runs on: stored in UTC, shown in the reader's zone. The rest of the suite
injects a ManualClock; this one is frozen with freezegun, since SystemClock reads the real time."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun import freeze_time

from bot.core.clock import SystemClock
from bot.core.timefmt import show_for


@freeze_time("2026-03-08 07:30:00")  # 1:30 AM in Chicago, half an hour before the clocks go forward
def test_the_system_clock_is_utc_and_each_reader_sees_their_own_time():
    now = SystemClock().now()
    assert now == datetime(2026, 3, 8, 7, 30, tzinfo=UTC) and now.utcoffset().total_seconds() == 0
    chicago = show_for(now, "America/Chicago", "America/Chicago")
    los_angeles = show_for(now, "America/Los_Angeles", "America/Chicago")
    assert "1:30 AM" in chicago
    assert "11:30 PM" in los_angeles and "1:30 AM" in los_angeles  # the class's time beside it
