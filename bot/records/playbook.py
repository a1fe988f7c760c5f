"""The records' playbook section: how long personal data and HR records are kept after an agent leaves."""

from __future__ import annotations

from pydantic import Field

from bot.config.strict import Strict


class RetentionPolicy(Strict):
    """After an agent leaves (moved to production, removed from their class, no longer employed),
    their personal fields (NPN, email, personal join links) are redacted after `personal_days`;
    their HR records (coachings, CAPs, failed exams) keep their text for `hr_records_days`, then
    keep only what they were (level, policy, dates) with "redacted" for the text."""

    enabled: bool = True
    personal_days: int = Field(default=90, ge=0, le=3650)
    hr_records_days: int = Field(default=7 * 365, ge=0, le=36500)
    # The daily job's time (UTC).
    run_at_hour: int = Field(default=3, ge=0, le=23)
