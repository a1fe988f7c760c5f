"""Progress's playbook sections: the pace table and the AHIP clock."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from bot.config.strict import Strict


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


# -- The AHIP clock ----------------------------------------------------------------------
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
