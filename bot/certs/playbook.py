"""Exams' playbook sections: carriers and TBT courses with their limits and ladders, Call Cert scoring."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from bot.config.strict import Strict


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


# -- Call Certification scoring ---------------------------------------------------------
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
