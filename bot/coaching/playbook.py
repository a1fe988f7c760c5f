"""Coaching's playbook sections: levels, ladders per policy, the CAP template, the Final CAP's catch-up."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

from docxtpl import DocxTemplate
from pydantic import Field, field_validator, model_validator

from bot.calendar.playbook import _hhmm
from bot.config.strict import Strict


class CoachingLevel(Strict):
    """A rung of the coaching ladder; `cap` levels produce the filled CAP document."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    cap: bool = False


class LadderStep(Strict):
    """Propose `level` once the agent has `lapses` lapses under the policy (this one included), or,
    on a points ladder (the Attendance Policy), once the points in the window reach `points` or
    the count of one code reaches its number in `codes` (`{ncns: 1}`: one NCNS)."""

    level: str
    lapses: int | None = Field(default=None, ge=1)
    points: float | None = Field(default=None, gt=0)
    codes: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_measure(self) -> LadderStep:
        if self.lapses is None and self.points is None and not self.codes:
            raise ValueError(f"the {self.level} step needs `lapses`, or `points` and/or `codes`")
        if self.lapses is not None and (self.points is not None or self.codes):
            raise ValueError(f"the {self.level} step mixes `lapses` with `points`/`codes`")
        if any(n < 1 for n in self.codes.values()):
            raise ValueError(f"the {self.level} step: a code's count must be at least 1")
        return self

    def reached(self, points: float, counts: dict[str, int]) -> bool:
        if self.points is not None and points + 1e-9 >= self.points:
            return True
        return any(counts.get(code, 0) >= n for code, n in self.codes.items())


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

    @property
    def counts_points(self) -> bool:
        """A points ladder: the step comes from the occurrences' points, not from a lapse count."""
        return self.ladder[0].lapses is None


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
            previous: float = 0
            kinds = {step.lapses is None for step in policy.ladder}
            if len(kinds) > 1:
                raise ValueError(f"policy {policy.key}: a ladder counts lapses or points, not both")
            for step in policy.ladder:
                if step.level not in keys:
                    raise ValueError(
                        f"policy {policy.key}: unknown level {step.level!r} (levels: {', '.join(keys)})"
                    )
                measure = step.lapses if step.lapses is not None else step.points
                if measure is None:
                    continue
                if measure <= previous:
                    raise ValueError(
                        f"policy {policy.key}: ladder {'lapses' if step.lapses else 'points'} must increase"
                    )
                previous = measure
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
        "points",
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


# The shipped DOCX (bot/coaching/cap_template.py builds it); `document: default` names it.
SHIPPED_CAP_DOCUMENT = Path(__file__).parent / "templates" / "cap.docx"
# What a DOCX template may use: the text's placeholders, and the line the agent acknowledges.
DOCUMENT_PLACEHOLDERS = CAP_PLACEHOLDERS | {"acknowledgement"}

DEFAULT_ACKNOWLEDGEMENT = "I have read this CAP and I understand what is expected of me."
FAILED_EXAM_ACKNOWLEDGEMENT = (
    "I have read this CAP and I understand that a 3rd failed exam may lead to termination."
)


def cap_document_path(document: str) -> Path:
    """`default` is the shipped template; any other path is the team's own (relative to where the
    bot starts)."""
    return SHIPPED_CAP_DOCUMENT if document == "default" else Path(document)


def check_cap_document(document: str) -> None:
    """Refuse at start a template that is missing, is not a DOCX, does not parse, or names a
    placeholder the bot does not fill, rather than the first time a TL writes a CAP."""
    path = cap_document_path(document)
    if not path.is_file():
        raise ValueError(f"the CAP template {str(path)!r} does not exist")
    try:
        names = DocxTemplate(str(path)).get_undeclared_template_variables()
    except Exception as exc:  # noqa: BLE001 - a broken file raises zip, XML or Jinja errors alike
        raise ValueError(
            f"the CAP template {str(path)!r} is not a DOCX template I can read ({type(exc).__name__}: "
            f"{str(exc)[:200]})"
        ) from None
    unknown = set(names) - DOCUMENT_PLACEHOLDERS
    if unknown:
        raise ValueError(
            f"the CAP template {str(path)!r} uses unknown placeholders {sorted(unknown)}; "
            f"use {sorted(DOCUMENT_PLACEHOLDERS)}"
        )


class CapTemplate(Strict):
    """The CAP written for every CAP level: the Slack text (`template`, {placeholders}), the DOCX
    the TL files (`document`, {{ placeholders }}), the line the agent acknowledges (per policy,
    else `acknowledgement`), and how long the TL waits before being told it is not acknowledged."""

    template: str = DEFAULT_CAP_TEMPLATE
    document: str = "default"
    acknowledgement: str = DEFAULT_ACKNOWLEDGEMENT
    acknowledgements: dict[str, str] = Field(
        default_factory=lambda: {"failedcert": FAILED_EXAM_ACKNOWLEDGEMENT}
    )
    acknowledge_within_hours: float = Field(default=48, gt=0, le=24 * 30)

    @field_validator("document")
    @classmethod
    def _readable_document(cls, value: str) -> str:
        check_cap_document(value)
        return value

    def acknowledgement_for(self, policy: str) -> str:
        return self.acknowledgements.get(policy, self.acknowledgement)

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


# -- HR in the loop -------------------------------------------------------------------------
_SLACK_TARGET = r"^[UWCG][A-Z0-9]{2,31}$"


class HrContacts(Strict):
    """Who in HR hears of an event, with its document: people (user IDs, told in their DM) or
    channels (channel IDs), per event. Empty: nobody beyond the usual TL, PM and managers."""

    term_proposal: list[str] = Field(default_factory=list)
    final_cap: list[str] = Field(default_factory=list)
    third_failed_exam: list[str] = Field(default_factory=list)

    @field_validator("term_proposal", "final_cap", "third_failed_exam")
    @classmethod
    def _slack_ids(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(_SLACK_TARGET, v)]
        if bad:
            raise ValueError(
                f"not a Slack user or channel ID: {', '.join(bad)} (like U0123ABCD or C0123ABCD)"
            )
        return list(dict.fromkeys(value))


class HrPolicy(Strict):
    contacts: HrContacts = Field(default_factory=HrContacts)


# -- The Final CAP's catch-up -----------------------------------------------------------
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
