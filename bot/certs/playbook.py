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

    @model_validator(mode="after")
    def _own_ladder_fits_the_limit(self) -> Carrier:
        """An own ladder that is false for its exam is refused at start: the step at the limit is
        where the block comes, and only the fail before the last attempt can make it proctored."""
        if self.steps is None:
            return self
        beyond = [s.attempt for s in self.steps if s.attempt > self.attempts]
        if beyond:
            raise ValueError(
                f"exam {self.key}: its ladder has a step for attempt {beyond[0]}, but it allows "
                f"{self.attempts} attempts"
            )
        if self.steps[-1].attempt != self.attempts:
            raise ValueError(
                f"exam {self.key}: its ladder needs a step for attempt {self.attempts} (the limit, "
                "where the block comes)"
            )
        wrong = [s.attempt for s in self.steps if s.proctored_next and s.attempt != self.attempts - 1]
        if wrong:
            raise ValueError(
                f"exam {self.key}: attempt {wrong[0]} says the next attempt is proctored, but the "
                f"proctored attempt is the last ({self.attempts}); put it on attempt {self.attempts - 1}"
            )
        return self


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

    @property
    def written_for(self) -> int:
        """The attempt limit the shared steps' words were written for (3 for steps at 1 and 2)."""
        return max(s.attempt for s in self.steps) + 1

    def step_for(self, attempt: int, limit: int) -> FailStep:
        if attempt >= limit:
            return self.at_limit
        fitting = [s for s in self.steps if s.attempt <= attempt]
        return max(fitting, key=lambda s: s.attempt) if fitting else self.steps[0]

    def ladder_of(self, exam: Carrier, labels: dict[str, str]) -> list[FailStep]:
        """One step per attempt up to the exam's limit: its own ladder (the last rung repeats), or
        the shared one fitted to its limit. The shared steps' words are kept where the limit is the
        one they were written for; otherwise the words are derived, so they hold for this exam:
        the proctored attempt is the last, the licensing team is told at the fail before it, and
        the Final CAP (`at_limit`) and the block come at the limit."""
        limit = exam.attempts
        if exam.steps is not None:
            own = exam.steps
            return [
                next(s for s in reversed(own) if s.attempt <= a) if a >= own[0].attempt else own[0]
                for a in range(1, limit + 1)
            ]
        proctored = self.proctor_last_attempt or any(s.proctored_next for s in self.steps)
        fits = limit == self.written_for
        levels = [self.step_for(a, limit).coaching for a in range(1, limit + 1)]
        ladder = []
        for a in range(1, limit + 1):
            if a == limit:
                ladder.append(self.at_limit.model_copy(update={"attempt": a}))
                continue
            shared = self.step_for(a, limit)
            last_but_one = a == limit - 1
            text = shared.text if fits else self._derived_text(a, limit, levels, labels, proctored)
            ladder.append(
                FailStep(
                    attempt=a, coaching=shared.coaching, text=text, proctored_next=proctored and last_but_one
                )
            )
        return ladder

    def _derived_text(
        self, attempt: int, limit: int, levels: list[str], labels: dict[str, str], proctored: bool
    ) -> str:
        label = labels.get(levels[attempt - 1], levels[attempt - 1])
        final = labels.get(self.at_limit.coaching, self.at_limit.coaching)
        year = " this year" if self.per_year else ""
        if attempt == limit - 1:
            if proctored:
                return (
                    f"{label}; the last attempt must be proctored (the licensing team is told); "
                    f"failing it means a {final} and no more {{carrier}} attempts{year}."
                )
            return f"{label}; one attempt is left: failing it means a {final} and no more {{carrier}} attempts{year}."
        nxt = levels[attempt]
        if nxt != levels[attempt - 1]:
            return f"{label} and a warning: the next fail leads to {labels.get(nxt, nxt)}."
        return f"{label} and a warning: {limit - attempt} attempts are left."


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
