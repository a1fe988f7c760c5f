"""The team's playbook: policies as data, loaded from one YAML file and validated at start.

Teams change these between class versions, so nothing here may become a constant in code.
Later capabilities add their own sections; each section has defaults so an older file still loads.
"""

from __future__ import annotations

import re
from datetime import date as date_type
from datetime import time
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from db.models.person import Role


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BreakSpec(Strict):
    start: time
    minutes: int = Field(gt=0, le=120)
    lunch: bool = False

    @field_validator("start", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)


class DaySchedule(Strict):
    day_start: time = time(8, 0)
    day_end: time = time(17, 0)
    breaks: list[BreakSpec] = Field(
        default_factory=lambda: [
            BreakSpec(start=time(10, 0), minutes=15),
            BreakSpec(start=time(12, 0), minutes=30, lunch=True),
            BreakSpec(start=time(14, 30), minutes=15),
        ]
    )

    @field_validator("day_start", "day_end", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)

    @model_validator(mode="after")
    def _breaks_inside_day(self) -> DaySchedule:
        if self.day_end <= self.day_start:
            raise ValueError("day_end must be after day_start")
        previous_end = self.day_start
        for spec in sorted(self.breaks, key=lambda b: b.start):
            start_minutes = spec.start.hour * 60 + spec.start.minute
            end_minutes = start_minutes + spec.minutes
            if spec.start < previous_end:
                raise ValueError(f"break at {spec.start:%H:%M} overlaps the one before it or the day start")
            if end_minutes > self.day_end.hour * 60 + self.day_end.minute:
                raise ValueError(f"break at {spec.start:%H:%M} ends after day_end")
            previous_end = time(end_minutes // 60, end_minutes % 60)
        return self


def _hhmm(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 10:00 as the sexagesimal integer 600.
        return time(value // 60, value % 60)
    return value


class Guide(Strict):
    title: str
    url: str


class Guides(Strict):
    ahip: Guide
    aetna: Guide
    tech_issues: Guide
    attendance_policy: Guide
    timeframe_expectations: Guide
    failed_cert_guide: Guide
    cap_template: Guide
    tracking_sheet: Guide


class IdFormat(Strict):
    pattern: str
    example: str
    description: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    def matches(self, value: str) -> bool:
        return re.fullmatch(self.pattern, value) is not None


class Formats(Strict):
    n_number: IdFormat
    npn: IdFormat
    n_number_warning: str


class FailStep(Strict):
    """What the `attempt`th failed attempt leads to: the coaching level proposed, the guide's words,
    and whether the next attempt must be proctored (the licensing team arranges it)."""

    attempt: int = Field(ge=1)
    coaching: str
    text: str
    proctored_next: bool = False


class Carrier(Strict):
    """A carrier (or a TBT course) whose exam can be failed: its attempt limit, and its own
    Failed Cert Exams ladder when its guide differs from the shared one (`failed_certs.steps`)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    attempts: int = Field(default=3, ge=1, le=10)
    steps: list[FailStep] | None = Field(default=None, min_length=1)

    @field_validator("steps")
    @classmethod
    def _steps_in_order(cls, value: list[FailStep] | None) -> list[FailStep] | None:
        if value is not None and [s.attempt for s in value] != sorted({s.attempt for s in value}):
            raise ValueError("steps must be listed by attempt, each attempt once")
        return value


class TechTopic(Strict):
    """A common tech problem: words that point to it, and what to try, in order."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    keywords: list[str] = Field(min_length=1)
    steps: list[str] = Field(min_length=1)


class TechIssues(Strict):
    """What /techissue answers: a topic matched by keywords, else the general checklist."""

    topics: list[TechTopic] = Field(default_factory=list)
    general: list[str] = Field(
        default_factory=lambda: [
            "Close the app or page and open it again.",
            "Check your internet connection; restart your router if other sites are slow too.",
            "Restart your computer.",
        ],
        min_length=1,
    )

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: list[TechTopic]) -> list[TechTopic]:
        keys = [t.key for t in value]
        if len(set(keys)) != len(keys):
            raise ValueError("tech issue topic keys must be unique")
        return value


class HelpQueuePolicy(Strict):
    max_breakout_room: int = Field(default=50, ge=1, le=200)


class Timing(Strict):
    g2t_lead_hours: int = Field(default=24, ge=24)


class AttendanceCode(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)


# The codes the bot itself proposes refer to these keys; their labels are the team's to change.
ATTENDANCE_CODE_KEYS = (
    "full_day",
    "tardy_under_1h",
    "tardy_over_1h",
    "left_early_under_1h",
    "left_early_over_1h",
    "absent_unapproved",
    "absent_hr_approved",
    "ncns",
    "mia",
    "no_longer_employed",
)


def _default_attendance_codes() -> list[AttendanceCode]:
    labels = [
        "Full Day",
        "Tardy < 1 hour",
        "Tardy > 1 hour (up to half the shift)",
        "Left Early < 1 hour",
        "Left Early > 1 hour",
        "Absent – Unapproved",
        "Absent – HR Approved",
        "NCNS (no call, no show)",
        "Unresponsive or Missing During Class (MIA)",
        "No Longer Employed",
    ]
    return [AttendanceCode(key=k, label=v) for k, v in zip(ATTENDANCE_CODE_KEYS, labels, strict=True)]


class AttendancePolicy(Strict):
    """The day's rhythm (check-in, raise and lower the hand at breaks) and the tracking-sheet codes."""

    checkin_grace_minutes: int = Field(default=5, ge=0, le=120)
    raise_lead_minutes: int = Field(default=5, ge=1, le=30)
    raise_grace_minutes: int = Field(default=2, ge=0, le=30)
    lower_grace_minutes: int = Field(default=5, ge=1, le=30)
    # any_miss: MIA on any missed raise or lower; two_in_a_row: only after two missed in a row.
    mia_rule: Literal["any_miss", "two_in_a_row"] = "any_miss"
    # A channel prompt whose moment passed more than this ago is skipped (logged), never posted late.
    late_prompt_grace_minutes: int = Field(default=5, ge=1, le=60)
    tardy_long_minutes: int = Field(default=60, ge=1)
    absent_after_missing_hours: float = Field(default=4, gt=0, le=12)
    codes: list[AttendanceCode] = Field(default_factory=_default_attendance_codes)

    @field_validator("codes")
    @classmethod
    def _all_codes(cls, value: list[AttendanceCode]) -> list[AttendanceCode]:
        keys = [c.key for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError("attendance code keys must be unique")
        missing = [k for k in ATTENDANCE_CODE_KEYS if k not in keys]
        if missing:
            raise ValueError(f"attendance codes lack {', '.join(missing)}")
        return value

    def label(self, key: str) -> str:
        return next((c.label for c in self.codes if c.key == key), key)

    def code_for(self, text: str) -> AttendanceCode | None:
        wanted = text.strip().lower()
        return next((c for c in self.codes if wanted in (c.key, c.label.lower())), None)


class CoachingLevel(Strict):
    """A rung of the coaching ladder; `cap` levels produce the filled CAP document."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    cap: bool = False


class LadderStep(Strict):
    """Propose `level` once the agent has `lapses` lapses under the policy (this one included)."""

    level: str
    lapses: int = Field(ge=1)


class CoachingPolicy(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    guide: str | None = None  # a field of `guides`
    expectation: str = "Follow the policy from now on."
    consequence: str = "Further lapses lead to the next step of the coaching ladder, up to termination."
    ladder: list[LadderStep] = Field(
        default_factory=lambda: [
            LadderStep(level="verbal", lapses=1),
            LadderStep(level="written", lapses=2),
            LadderStep(level="final", lapses=3),
            LadderStep(level="term", lapses=4),
        ],
        min_length=1,
    )


def _default_levels() -> list[CoachingLevel]:
    return [
        CoachingLevel(key="verbal", label="Verbal coaching"),
        CoachingLevel(key="written", label="Written CAP", cap=True),
        CoachingLevel(key="final", label="Final CAP", cap=True),
        CoachingLevel(key="term", label="Term", cap=True),
    ]


def _default_policies() -> list[CoachingPolicy]:
    return [
        CoachingPolicy(key="attendance", title="Attendance Policy", guide="attendance_policy"),
        CoachingPolicy(key="timeframe", title="Agent Timeframe Expectations", guide="timeframe_expectations"),
        CoachingPolicy(key="failedcert", title="Failed Cert Exams Guide", guide="failed_cert_guide"),
        CoachingPolicy(key="conduct", title="Conduct"),
    ]


class CoachingRules(Strict):
    """The coaching ladder (in order, lowest first) and the policies coached against."""

    levels: list[CoachingLevel] = Field(default_factory=_default_levels, min_length=1)
    policies: list[CoachingPolicy] = Field(default_factory=_default_policies, min_length=1)

    @model_validator(mode="after")
    def _ladders_use_known_levels(self) -> CoachingRules:
        keys = [lv.key for lv in self.levels]
        if len(set(keys)) != len(keys):
            raise ValueError("coaching level keys must be unique")
        if len({p.key for p in self.policies}) != len(self.policies):
            raise ValueError("coaching policy keys must be unique")
        for policy in self.policies:
            previous = 0
            for step in policy.ladder:
                if step.level not in keys:
                    raise ValueError(
                        f"policy {policy.key}: unknown level {step.level!r} (levels: {', '.join(keys)})"
                    )
                if step.lapses <= previous:
                    raise ValueError(f"policy {policy.key}: ladder lapses must increase")
                previous = step.lapses
        return self

    def level(self, key: str) -> CoachingLevel | None:
        return next((lv for lv in self.levels if lv.key == key.lower()), None)

    def rank(self, key: str) -> int:
        return next((i for i, lv in enumerate(self.levels) if lv.key == key), -1)

    def policy(self, key: str) -> CoachingPolicy | None:
        return next((p for p in self.policies if p.key == key.lower()), None)


CAP_PLACEHOLDERS = frozenset(
    {
        "level",
        "agent_name",
        "n_number",
        "cohort",
        "cohort_dates",
        "date",
        "policy",
        "incident",
        "history",
        "expectation",
        "consequence",
        "tl_name",
        "coached_by",
    }
)

DEFAULT_CAP_TEMPLATE = """# Corrective Action Plan: {level}

Agent: {agent_name}    N-Number: {n_number}
Cohort: {cohort} ({cohort_dates})
Date: {date}
Policy: {policy}

## What happened
{incident}

## Prior coaching
{history}

## Expectation going forward
{expectation}

## Consequence
{consequence}

Agent signature: ______________________  Date: __________
Team lead ({tl_name}) signature: ______________________  Date: __________
"""


class CapTemplate(Strict):
    """The CAP document written for every CAP level; {placeholders} are filled by the bot."""

    template: str = DEFAULT_CAP_TEMPLATE

    @field_validator("template")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        import string

        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"the CAP template does not parse ({exc})") from exc
        unknown = names - CAP_PLACEHOLDERS
        if unknown:
            raise ValueError(f"unknown placeholders {sorted(unknown)}; use {sorted(CAP_PLACEHOLDERS)}")
        return value


class FailedCertGuide(Strict):
    """The Failed Cert Exams Guide: what each failed attempt leads to; the carrier limits are in `carriers`."""

    steps: list[FailStep] = Field(
        default_factory=lambda: [
            FailStep(attempt=1, coaching="verbal", text="Verbal coaching and a warning."),
            FailStep(
                attempt=2,
                coaching="written",
                text="Written CAP; the last attempt must be proctored (the licensing team is told).",
            ),
        ],
        min_length=1,
    )
    at_limit: FailStep = Field(
        default_factory=lambda: FailStep(
            attempt=99,
            coaching="final",
            text="Final CAP; the agent cannot sell for {carrier} this year; termination review.",
        )
    )
    proctor_last_attempt: bool = True
    licensing_team: str | None = None  # a Slack channel or user ID told about proctored attempts
    score_min: int = 0
    score_max: int = 100
    # Attempts count per calendar year in the cohort's timezone, so a block lifts on January 1.
    per_year: bool = True
    # TBT courses (Technology-Based Trainings) are exams too; failing one moves the TBT tracker item.
    tbt_courses: list[Carrier] = Field(default_factory=list)

    def step_for(self, attempt: int, limit: int) -> FailStep:
        if attempt >= limit:
            return self.at_limit
        fitting = [s for s in self.steps if s.attempt <= attempt]
        return max(fitting, key=lambda s: s.attempt) if fitting else self.steps[0]

    def step_of(self, exam: Carrier, attempt: int) -> FailStep:
        """The exam's own ladder when it has one (its last rung repeats), else the shared one."""
        if exam.steps is None:
            return self.step_for(attempt, exam.attempts)
        fitting = [s for s in exam.steps if s.attempt <= attempt]
        return fitting[-1] if fitting else exam.steps[0]

    def proctored_next(self, exam: Carrier, attempt: int) -> bool:
        left = exam.attempts - attempt
        if left <= 0:
            return False
        step = self.step_of(exam, attempt)
        if exam.steps is not None:
            return step.proctored_next
        return step.proctored_next or (self.proctor_last_attempt and left == 1)


class ProgressStep(Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str


class PaceMark(Strict):
    """By the end of training day `day`, these steps ("carrier step", like "ahip 2") are done."""

    day: int = Field(ge=1, le=10)
    due: list[str] = Field(min_length=1)


class Timeframe(Strict):
    """Agent Timeframe Expectations: the steps agents report, the pace, and the window."""

    steps: dict[str, list[ProgressStep]] = Field(
        default_factory=lambda: {
            "ahip": [ProgressStep(key=str(n), label=f"module {n}") for n in range(1, 6)]
            + [ProgressStep(key="final", label="final exam")],
            "aetna": [ProgressStep(key="done", label="certification (13-checkmark proof)")],
        }
    )
    pace: list[PaceMark] = Field(
        default_factory=lambda: [
            PaceMark(day=1, due=["ahip 1", "ahip 2"]),
            PaceMark(day=2, due=["ahip 3", "ahip 4"]),
            PaceMark(day=3, due=["ahip 5", "ahip final", "aetna done"]),
        ]
    )
    # None: the window is the cohort's length. A team running 3.5 days sets 3.5 (checked at the
    # end of day 4, the day the window closes).
    window_days: float | None = Field(default=None, gt=0, le=10)

    @model_validator(mode="after")
    def _pace_names_known_steps(self) -> Timeframe:
        for mark in self.pace:
            for item in mark.due:
                carrier, _, step = item.partition(" ")
                if carrier not in self.steps or step not in [s.key for s in self.steps[carrier]]:
                    raise ValueError(f"pace day {mark.day}: unknown step {item!r}")
        return self


class RedFlagCategory(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)


def _default_red_flag_categories() -> list[RedFlagCategory]:
    return [
        RedFlagCategory(key="background", label="Carrier background-check finding"),
        RedFlagCategory(key="release", label="Needs a release"),
        RedFlagCategory(key="license", label="No health license"),
    ]


class RedFlagPolicy(Strict):
    """/redflag: the categories a TL may name first (`/redflag @agent background ...`); optional."""

    categories: list[RedFlagCategory] = Field(default_factory=_default_red_flag_categories)
    notify_esp_managers: bool = True  # besides the cohort's PM


class ExpectedForm(Strict):
    kind: str = Field(min_length=1)  # the form kind as /forms stores it (cert, tbt, callcert, ...)
    carrier: str | None = None  # for carrier forms: which carrier's form is expected
    esp_item: str | None = None  # not expected once this ESP tracker item is complete
    label: str = Field(min_length=1)


class ExpectedForDay(Strict):
    day: int = Field(ge=1, le=10)
    forms: list[ExpectedForm] = Field(default_factory=list)


def _default_expected_forms() -> list[ExpectedForDay]:
    return [
        ExpectedForDay(
            day=3,
            forms=[
                ExpectedForm(
                    kind="cert", carrier="ahip", esp_item="ahip", label="AHIP Carrier Cert Completion"
                ),
                ExpectedForm(
                    kind="cert", carrier="aetna", esp_item="aetna", label="Aetna Carrier Cert Completion"
                ),
            ],
        ),
    ]


class EveningCheckPolicy(Strict):
    """The TL's checklist DM at each training day's end (one reminder follows if items stay open)."""

    expected_forms: list[ExpectedForDay] = Field(default_factory=_default_expected_forms)
    reminder_after_minutes: int = Field(default=30, ge=5, le=240)
    tracker_updated_daily: bool = True  # every agent not yet ESP-complete has a tracker change that day
    open_red_flags: bool = True

    def forms_for(self, day: int) -> list[ExpectedForm]:
        return [form for entry in self.expected_forms if entry.day == day for form in entry.forms]


class ProofRule(Strict):
    """A carrier whose Carrier Cert Completion needs a proof file and a ticked confirmation."""

    carrier: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    confirmation: str = Field(min_length=1, max_length=75)  # the checkbox text (Slack's limit is 75)


class FormsPolicy(Strict):
    """The five tracking forms: the proof some carriers need, and the carrier-ticket statuses."""

    proof: list[ProofRule] = Field(
        default_factory=lambda: [
            ProofRule(carrier="aetna", confirmation="The screenshot shows all 13 green checkmarks")
        ]
    )
    ticket_statuses: list[str] = Field(
        default_factory=lambda: ["open", "pending", "escalated", "resolved"], min_length=1
    )
    ticket_closed: list[str] = Field(default_factory=lambda: ["resolved"])  # statuses that end a ticket
    open_ticket_blocks_carrier: bool = True  # an open ticket marks the carrier's ESP item blocked

    def proof_for(self, carrier: str) -> ProofRule | None:
        return next((r for r in self.proof if r.carrier == carrier), None)

    @model_validator(mode="after")
    def _closed_are_statuses(self) -> FormsPolicy:
        unknown = [s for s in self.ticket_closed if s not in self.ticket_statuses]
        if unknown:
            raise ValueError(f"ticket_closed names statuses not in ticket_statuses: {', '.join(unknown)}")
        return self


class AccessPolicy(Strict):
    """Extra actions a role may take across classes, beyond bot/access/policy.py's table (an ESP
    manager who also documents coachings, say). Keys are roles, values the policy's action names."""

    grants: dict[Role, list[str]] = Field(default_factory=dict)

    @field_validator("grants")
    @classmethod
    def _known_actions(cls, grants: dict[Role, list[str]]) -> dict[Role, list[str]]:
        from bot.access.policy import Action

        known = {a.value for a in Action}
        for role, actions in grants.items():
            unknown = [a for a in actions if a not in known]
            if unknown:
                raise ValueError(
                    f"{role.value}: unknown action(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
                )
        return grants


# -- The team's Google Sheet ESP tracker (issue 12) ------------------------------------------------
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


class G2TPolicy(Strict):
    """GoTo Training (issue 10): when the TL gets the start link, how the attendee report is
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


# -- Call Certification scoring (issue 13) ---------------------------------------------------------
CALL_CERT_PLACEHOLDERS = frozenset({"last_name", "first_name", "pass_rate"})


class CallCertPolicy(Strict):
    """Call Certification: the calls in order (each one's type), the passing score, how many
    passes certify, and how the scorecard file is named."""

    calls: list[str] = Field(
        default_factory=lambda: ["PDP", "PDP", "PDP", "MAPD", "MAPD"], min_length=1, max_length=10
    )
    first_call_live: bool = True  # call 1 is coached live and counts as `live_score`
    live_score: int = Field(default=100, ge=0, le=100)
    pass_score: int = Field(default=85, ge=0, le=100)  # a call passes at this percentage or more
    passes_needed: int = Field(default=4, ge=1)
    file_name: str = "{last_name}_{first_name}_{pass_rate}"

    @model_validator(mode="after")
    def _consistent(self) -> CallCertPolicy:
        import string

        if self.passes_needed > len(self.calls):
            raise ValueError(f"passes_needed ({self.passes_needed}) is more than the {len(self.calls)} calls")
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(self.file_name) if n is not None}
        except ValueError as exc:
            raise ValueError(f"file_name does not parse ({exc})") from exc
        unknown = names - CALL_CERT_PLACEHOLDERS
        if unknown:
            raise ValueError(
                f"file_name: unknown placeholders {sorted(unknown)}; use {sorted(CALL_CERT_PLACEHOLDERS)}"
            )
        return self


# -- The AHIP clock (issue 13) ----------------------------------------------------------------------
class ClockMark(Strict):
    """Past `hours` training hours and still not done: the TL is proposed `coaching`."""

    hours: float = Field(gt=0, le=200)
    coaching: str


def _default_clock_marks() -> list[ClockMark]:
    return [
        ClockMark(hours=24, coaching="verbal"),
        ClockMark(hours=28, coaching="written"),
        ClockMark(hours=32, coaching="final"),
        ClockMark(hours=36, coaching="term"),
    ]


class AhipClockPolicy(Strict):
    """The AHIP guide's hours: counted in training hours only (breaks, lunch, nights and days
    without training excluded), from the class's first training hour or the agent's first
    `/progress ahip`. The TL may pause an agent's clock for a documented reason."""

    enabled: bool = True
    carrier: str = Field(default="ahip", pattern=r"^[a-z][a-z0-9_]*$")  # a timeframe.steps carrier
    hours: float = Field(default=24, gt=0, le=200)
    starts: Literal["class_start", "first_progress"] = "class_start"
    marks: list[ClockMark] = Field(default_factory=_default_clock_marks)
    policy: str = "timeframe"  # the coaching policy the proposed steps are under

    @field_validator("marks")
    @classmethod
    def _rising(cls, value: list[ClockMark]) -> list[ClockMark]:
        hours = [m.hours for m in value]
        if hours != sorted(set(hours)):
            raise ValueError("marks must rise, each hour once")
        return value


# -- The Final CAP's catch-up (issue 13) -----------------------------------------------------------
class CatchUpPolicy(Strict):
    """After the window, the timeframe Final CAP gives `extra_hours` more, in `sessions` catch-up
    sessions of `session_hours` each on the next business days, at times the TL confirms. An agent
    still not done when the extra hours are spent is flagged to the TL and the PM with `then`."""

    enabled: bool = True
    extra_hours: float = Field(default=8, gt=0, le=40)
    sessions: int = Field(default=3, ge=1, le=5)
    session_hours: float = Field(default=3, gt=0, le=8)
    default_start: time = time(9, 0)  # what the form proposes; the TL confirms or changes it
    then: str = "term"  # the coaching level proposed at the end

    @field_validator("default_start", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)


# -- the class calendar (issue 11) -------------------------------------------------------------
class ClosedDate(Strict):
    """A date the class does not meet; a bare date in YAML gets the default reason."""

    date: date_type
    name: str = Field(default="Closed", min_length=1, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _bare_date(cls, value: object) -> object:
        if isinstance(value, date_type | str):
            return {"date": value}
        return value


class CalendarPolicy(Strict):
    """Public holidays (country and optional subdivision, as the `holidays` package names them;
    null for none) and the company's own closed dates. Training days skip them like weekends."""

    country: str | None = "US"
    subdivision: str | None = None
    closed: list[ClosedDate] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_region(self) -> CalendarPolicy:
        from bot.calendar.class_calendar import check_region

        if self.country:
            check_region(self.country, self.subdivision)
        elif self.subdivision:
            raise ValueError("a subdivision needs a country")
        return self


# -- the managers' morning report (issue 11) ------------------------------------------------------
class MorningReportPolicy(Strict):
    """Each morning at `at` (in `timezone`) every ESP manager gets the report for every class and
    each PM the part for their own classes."""

    at: time = time(7, 30)
    timezone: str = "America/Chicago"
    # Agents with these ESP items still open after this training day (counted on the class calendar,
    # past the class's last day if need be) are listed.
    carriers_due_day: int = Field(default=4, ge=1, le=20)
    carrier_items: list[str] = Field(default_factory=lambda: ["ahip", "aetna"], min_length=1)
    red_flag_days: int = Field(default=2, ge=0, le=60)  # open longer than this many days
    weekdays_only: bool = True

    @field_validator("at", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        return _hhmm(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value


class Playbook(Strict):
    version: str = "1"
    day: DaySchedule = Field(default_factory=DaySchedule)
    guides: Guides
    formats: Formats
    carriers: list[Carrier]
    timing: Timing = Field(default_factory=Timing)
    tech_issues: TechIssues = Field(default_factory=TechIssues)
    help_queue: HelpQueuePolicy = Field(default_factory=HelpQueuePolicy)
    coaching: CoachingRules = Field(default_factory=CoachingRules)
    cap: CapTemplate = Field(default_factory=CapTemplate)
    failed_certs: FailedCertGuide = Field(default_factory=FailedCertGuide)
    timeframe: Timeframe = Field(default_factory=Timeframe)
    attendance: AttendancePolicy = Field(default_factory=AttendancePolicy)
    forms: FormsPolicy = Field(default_factory=FormsPolicy)
    red_flags: RedFlagPolicy = Field(default_factory=RedFlagPolicy)
    evening_check: EveningCheckPolicy = Field(default_factory=EveningCheckPolicy)
    access: AccessPolicy = Field(default_factory=AccessPolicy)
    sheet_sync: SheetSyncPolicy = Field(default_factory=SheetSyncPolicy)

    g2t: G2TPolicy = Field(default_factory=G2TPolicy)
    calendar: CalendarPolicy = Field(default_factory=CalendarPolicy)
    morning_report: MorningReportPolicy = Field(default_factory=MorningReportPolicy)

    call_cert: CallCertPolicy = Field(default_factory=CallCertPolicy)
    ahip_clock: AhipClockPolicy = Field(default_factory=AhipClockPolicy)
    catch_up: CatchUpPolicy = Field(default_factory=CatchUpPolicy)

    @model_validator(mode="after")
    def _clock_names_known_things(self) -> Playbook:
        clock = self.ahip_clock
        if clock.carrier not in self.timeframe.steps:
            raise ValueError(f"ahip_clock.carrier: {clock.carrier!r} has no steps in timeframe.steps")
        if self.coaching.policy(clock.policy) is None:
            raise ValueError(f"ahip_clock.policy: {clock.policy!r} is not a coaching policy")
        levels = {lv.key for lv in self.coaching.levels}
        if self.catch_up.then not in levels:
            raise ValueError(f"catch_up.then: unknown coaching level {self.catch_up.then!r}")
        for mark in clock.marks:
            if mark.coaching not in levels:
                raise ValueError(
                    f"ahip_clock: the {mark.hours:g} h mark names unknown level {mark.coaching!r}"
                )
        return self

    @field_validator("carriers")
    @classmethod
    def _unique_carriers(cls, value: list[Carrier]) -> list[Carrier]:
        keys = [c.key for c in value]
        if len(set(keys)) != len(keys):
            raise ValueError("carrier keys must be unique")
        if not value:
            raise ValueError("at least one carrier is needed")
        return value

    def carrier(self, key: str) -> Carrier | None:
        return next((c for c in self.carriers if c.key == key.lower()), None)

    # -- failed exams per carrier and TBT course (issue 13) --
    @property
    def exams(self) -> list[Carrier]:
        """Everything whose exam can be failed: the carriers, then the TBT courses."""
        return [*self.carriers, *self.failed_certs.tbt_courses]

    def exam(self, key: str) -> Carrier | None:
        return next((c for c in self.exams if c.key == key.lower()), None)

    def is_tbt(self, key: str) -> bool:
        return any(c.key == key for c in self.failed_certs.tbt_courses)

    @model_validator(mode="after")
    def _exam_ladders_use_known_levels(self) -> Playbook:
        keys = [c.key for c in self.exams]
        if len(set(keys)) != len(keys):
            raise ValueError(
                "failed_certs.tbt_courses: a TBT course key repeats a carrier's or another course's"
            )
        levels = {lv.key for lv in self.coaching.levels}
        guide = self.failed_certs
        for where, steps in [("failed_certs", [*guide.steps, guide.at_limit])] + [
            (f"exam {c.key}", c.steps or []) for c in self.exams
        ]:
            for step in steps:
                if step.coaching not in levels:
                    raise ValueError(
                        f"{where}: attempt {step.attempt} names unknown coaching level {step.coaching!r}"
                    )
        return self


class PlaybookError(Exception):
    """A playbook that does not load; the message names the field and the reason."""


def load_playbook(path: Path) -> Playbook:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaybookError(f"playbook {path}: cannot read it ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise PlaybookError(f"playbook {path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise PlaybookError(f"playbook {path}: expected a mapping at the top level")
    try:
        return Playbook.model_validate(raw)
    except ValidationError as exc:
        raise PlaybookError(f"playbook {path}: {describe_validation_error(exc)}") from exc


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the field path and the reason."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
