"""The team's playbook: policies as data, loaded from one YAML file and validated at start.

Teams change these between class versions, so nothing here may become a constant in code. Each
feature keeps its own sections (`bot/<feature>/playbook.py`); this root composes them, keeps the
checks that span features, and loads the file. Every section has defaults, so an older file still
loads.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from bot.access.policy import Action
from bot.calendar.playbook import CalendarPolicy, DaySchedule
from bot.certs.playbook import CallCertPolicy, Carrier, FailedCertGuide, FailStep
from bot.class_day.playbook import AttendancePolicy
from bot.coaching.playbook import CapTemplate, CatchUpPolicy, CoachingRules, HrPolicy
from bot.config.notifications import NotificationPolicy
from bot.config.strict import Strict
from bot.forms.playbook import EveningCheckPolicy, FormsPolicy
from bot.g2t.playbook import G2TPolicy
from bot.help_queue.playbook import HelpQueuePolicy, TechIssues
from bot.progress.playbook import TRACKED_ITEMS, AhipClockPolicy, TimedClock, TimedMark, TimedRules, Timeframe
from bot.records.playbook import RetentionPolicy
from bot.red_flags.playbook import RedFlagPolicy
from bot.reports.playbook import MorningReportPolicy
from bot.sheet_sync.playbook import SheetSyncPolicy
from db.models.person import Role


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


class Timing(Strict):
    g2t_lead_hours: int = Field(default=24, ge=24)


class AccessPolicy(Strict):
    """Extra actions a role may take across classes, beyond bot/access/policy.py's table (an ESP
    manager who also documents coachings, say). Keys are roles, values the policy's action names."""

    grants: dict[Role, list[str]] = Field(default_factory=dict)

    @field_validator("grants")
    @classmethod
    def _known_actions(cls, grants: dict[Role, list[str]]) -> dict[Role, list[str]]:
        known = {a.value for a in Action}
        for role, actions in grants.items():
            unknown = [a for a in actions if a not in known]
            if unknown:
                raise ValueError(
                    f"{role.value}: unknown action(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
                )
        return grants


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
    timed_rules: TimedRules = Field(default_factory=TimedRules)
    catch_up: CatchUpPolicy = Field(default_factory=CatchUpPolicy)
    # HR records: who in HR is told of what, and how long personal data and HR records are kept.
    hr: HrPolicy = Field(default_factory=HrPolicy)
    retention: RetentionPolicy = Field(default_factory=RetentionPolicy)
    notifications: NotificationPolicy = Field(default_factory=NotificationPolicy)

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

    @model_validator(mode="after")
    def _timed_rules_name_known_things(self) -> Playbook:
        levels = {lv.key for lv in self.coaching.levels}
        known = set(self.timeframe.steps) | set(TRACKED_ITEMS)
        for clock in self.timed_rules.clocks:
            where = f"timed_rules: clock {clock.key}"
            if clock.key == self.ahip_clock.carrier and self.ahip_clock.enabled:
                raise ValueError(f"{where}: the key is the AHIP clock's (its section is ahip_clock)")
            unknown = [t for t in clock.times if t not in known]
            if unknown:
                raise ValueError(
                    f"{where} times {', '.join(map(repr, unknown))}: neither a timeframe.steps carrier "
                    f"nor a tracker item ({', '.join(TRACKED_ITEMS)})"
                )
            if self.coaching.policy(clock.policy) is None:
                raise ValueError(f"{where}: {clock.policy!r} is not a coaching policy")
            for mark in clock.marks:
                if mark.step is not None and mark.step not in levels:
                    raise ValueError(
                        f"{where}: the mark after {mark.after:g} names unknown level {mark.step!r}"
                    )
        return self

    @model_validator(mode="after")
    def _report_lists_name_known_items(self) -> Playbook:
        steps = {f"{c} {s.key}" for c, group in self.timeframe.steps.items() for s in group}
        known = set(TRACKED_ITEMS) | set(self.timeframe.steps) | steps
        for rule in self.morning_report.incomplete:
            unknown = [i for i in rule.items if i not in known]
            if unknown:
                raise ValueError(
                    f"morning_report.incomplete {rule.title!r}: unknown item(s) {', '.join(map(repr, unknown))}"
                )
        return self

    @model_validator(mode="after")
    def _points_ladders_count_attendance(self) -> Playbook:
        codes = {c.key for c in self.attendance.codes}
        for policy in self.coaching.policies:
            if not policy.counts_points:
                continue
            if policy.key != "attendance":
                raise ValueError(
                    f"coaching.policies.{policy.key}: only the attendance policy's occurrences carry "
                    "points; give this ladder `lapses`"
                )
            for step in policy.ladder:
                unknown = sorted(set(step.codes) - codes)
                if unknown:
                    raise ValueError(
                        f"coaching.policies.attendance: the {step.level} step counts unknown attendance "
                        f"code(s) {', '.join(unknown)}"
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

    def clocks(self) -> list[TimedClock]:
        """Every timed rule, the AHIP clock first: one engine runs them all (bot/progress/timed_rules.py)."""
        found: list[TimedClock] = []
        ahip = self.ahip_clock
        if ahip.enabled:
            carrier = self.carrier(ahip.carrier)
            found.append(
                TimedClock(
                    key=ahip.carrier,
                    label=carrier.name if carrier else ahip.carrier.upper(),
                    times=[ahip.carrier],
                    starts="class_start" if ahip.starts == "class_start" else "first_report",
                    limit=ahip.hours,
                    policy=ahip.policy,
                    marks=[TimedMark(after=m.hours, step=m.coaching) for m in ahip.marks],
                )
            )
        return found + list(self.timed_rules.clocks)

    def carrier(self, key: str) -> Carrier | None:
        return next((c for c in self.carriers if c.key == key.lower()), None)

    # -- failed exams per carrier and TBT course --
    @property
    def exams(self) -> list[Carrier]:
        """Everything whose exam can be failed: the carriers, then the TBT courses."""
        return [*self.carriers, *self.failed_certs.tbt_courses]

    def exam(self, key: str) -> Carrier | None:
        return next((c for c in self.exams if c.key == key.lower()), None)

    def fail_ladder(self, exam: Carrier) -> list[FailStep]:
        """The exam's steps, one per attempt up to its limit (bot/certs/playbook.py derives them)."""
        labels = {lv.key: lv.label for lv in self.coaching.levels}
        return self.failed_certs.ladder_of(exam, labels)

    def fail_step(self, exam: Carrier, attempt: int) -> FailStep:
        """What the `attempt`th fail leads to; past the limit (an admin override), the limit's step."""
        ladder = self.fail_ladder(exam)
        return ladder[min(max(attempt, 1), len(ladder)) - 1]

    def proctored_next(self, exam: Carrier, attempt: int) -> bool:
        return attempt < exam.attempts and self.fail_step(exam, attempt).proctored_next

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
        parts.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)
