"""The Google Sheet sync's playbook section: the mapped columns and status words."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from bot.config.strict import Strict

# -- The team's Google Sheet ESP tracker ------------------------------------------------
SHEET_STATUSES = ("not_started", "in_progress", "complete", "blocked")  # bot/services/esp.py STATUSES


def _default_status_words() -> dict[str, list[str]]:
    return {
        "complete": ["Complete", "Completed", "Done", "Pass", "Passed", "Yes"],
        "in_progress": ["In Progress", "Scheduled", "Pending", "Started"],
        "not_started": ["Not Started", ""],
        "blocked": ["Blocked", "Fail", "Failed", "On Hold"],
    }


class SheetColumn(Strict):
    """One column of the sheet, by its header: the bot writes it (`owner: bot`) or reads it
    (`owner: team`). `source` says what it holds: an ESP item, a day's attendance code, the
    red-flag notes, or something of another team's the bot only checks is there."""

    header: str = Field(min_length=1)
    owner: Literal["bot", "team"]
    source: Literal["esp", "attendance", "red_flags", "other"]
    item: str | None = None  # for source esp: the tracker item key (ahip, tbt, callcert, ...)
    day: int | None = Field(default=None, ge=1, le=10)  # for source attendance
    # This column's status words (status -> words; the first is what the bot writes); else the sheet's.
    words: dict[str, list[str]] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SheetColumn:
        if self.source == "esp" and not self.item:
            raise ValueError(f"column {self.header!r}: an esp column names its item")
        if self.source == "attendance" and self.day is None:
            raise ValueError(f"column {self.header!r}: an attendance column names its day")
        if self.owner == "team" and self.source in ("attendance", "red_flags"):
            raise ValueError(f"column {self.header!r}: the bot owns {self.source}; say `owner: bot`")
        for status in self.words or {}:
            if status not in SHEET_STATUSES:
                raise ValueError(f"column {self.header!r}: {status!r} is not a status")
        return self


def _default_sheet_columns() -> list[SheetColumn]:
    def esp(header: str, item: str, owner: Literal["bot", "team"]) -> SheetColumn:
        return SheetColumn(header=header, owner=owner, source="esp", item=item)

    return [
        esp("AHIP", "ahip", "bot"),
        esp("Aetna", "aetna", "bot"),
        esp("TBT", "tbt", "team"),
        esp("Call Cert", "callcert", "team"),
        esp("Equipment", "equipment", "bot"),
        esp("RTS/No More Forms", "rts", "bot"),
        *(SheetColumn(header=f"Day {d}", owner="bot", source="attendance", day=d) for d in (1, 2, 3)),
        SheetColumn(header="Red Flags", owner="bot", source="red_flags"),
    ]


class SheetSyncPolicy(Strict):
    """How the team's tracking sheet maps onto the bot's tracker. Used only when the settings name
    a sheet (TRACKER_SHEET_ID and a service-account key)."""

    worksheet: str = "ESP Tracker"
    agent_id_column: str = "N-Number"  # the agent's N-Number identifies the row
    name_column: str | None = "Agent Name"  # filled in when the bot appends an agent's row
    columns: list[SheetColumn] = Field(default_factory=_default_sheet_columns)
    status_words: dict[str, list[str]] = Field(default_factory=_default_status_words)
    push_every_seconds: int = Field(default=20, ge=5, le=60)  # a change reaches the sheet within a minute
    pull_every_minutes: int = Field(default=3, ge=1, le=60)
    max_writes_per_minute: int = Field(default=50, ge=1, le=60)  # Google's quota is 60 per user
    protect_bot_columns: bool = False  # warning-only protection: editors are asked to confirm
    days_after_class: int = Field(default=30, ge=0)  # how long after its last day a class stays synced

    @model_validator(mode="after")
    def _consistent(self) -> SheetSyncPolicy:
        headers = [c.header for c in self.columns] + [self.agent_id_column]
        if self.name_column:
            headers.append(self.name_column)
        duplicates = sorted({h for h in headers if headers.count(h) > 1})
        if duplicates:
            raise ValueError(f"sheet columns appear twice: {', '.join(duplicates)}")
        unknown = [s for s in self.status_words if s not in SHEET_STATUSES]
        if unknown:
            raise ValueError(f"status_words names unknown statuses: {', '.join(unknown)}")
        return self

    def words_for(self, column: SheetColumn) -> dict[str, list[str]]:
        return {**self.status_words, **(column.words or {})}
