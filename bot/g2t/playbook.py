"""GoTo Training's playbook section."""

from __future__ import annotations

from pydantic import Field

from bot.config.strict import Strict


class G2TPolicy(Strict):
    """GoTo Training: when the TL gets the start link, how the attendee report is
    fetched, and how real presence turns into the day's codes (with `attendance`'s thresholds:
    tardy_long_minutes splits under/over an hour, absent_after_missing_hours makes it Absent)."""

    start_link_minutes_before: int = Field(default=30, ge=0, le=240)
    # GoTo publishes the attendee report some time after the session ends.
    report_first_try_minutes: int = Field(default=15, ge=0, le=240)
    report_retry_hours: float = Field(default=6, gt=0, le=48)
    join_grace_minutes: int = Field(default=5, ge=0, le=60)
    leave_grace_minutes: int = Field(default=5, ge=0, le=60)
    # Away from the session longer than this, outside the breaks: listed as a gap.
    gap_minutes: int = Field(default=10, ge=1, le=120)
