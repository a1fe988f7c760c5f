from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime


class Role(enum.StrEnum):
    AGENT = "agent"
    TL = "tl"
    PM = "pm"
    ESP_MANAGER = "esp_manager"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.TL, Role.PM, Role.ADMIN})


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="person_role",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    n_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    npn: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str | None] = mapped_column(String(64))
    # For the G2T registration: from the cohort file, else Slack's profile.
    email: Mapped[str | None] = mapped_column(String(320))
    # Set the first time the person opens the App Home: only they get live Home updates.
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # No longer employed (an admin says so); moved to production or removed comes from enrollments.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Personal fields (NPN, email, join links) were redacted under the playbook's retention.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # HR records' texts were redacted once their own retention period ran out.
    hr_redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def mention(self) -> str:
        return f"<@{self.slack_user_id}>"
