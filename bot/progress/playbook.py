"""Progress's playbook sections: the pace table, the AHIP clock and the other timed rules."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

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
    # What agents read for a group of steps that is no carrier (`pw: Producer World`, for a
    # team whose pace starts with the Producer World registration).
    names: dict[str, str] = Field(default_factory=dict)

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


# -- Timed rules: every clock of the guides ----------------------------------------------------
# What a clock may time besides a timeframe.steps carrier: the ESP tracker's items (a TBT or a
# Call Cert is done when its tracker item is complete).
TRACKED_ITEMS = ("ahip", "aetna", "tbt", "callcert", "equipment", "rts")


class TimedMark(Strict):
    """Past `after` (training hours or business days, as the clock counts) and still not done: the
    TL is proposed `step`; a mark without a step only tells the TL the guide's limit passed."""

    after: float = Field(gt=0, le=500)
    step: str | None = None


class TimedClock(Strict):
    """One timed rule of the guides. `times`: what must be done (all of them) for the clock to stop.
    `starts`: the class's first training hour (class_start), the agent's first report of one of
    the things timed, by /progress or on the tracker (first_report), the Call Cert tracker item
    leaving "not started" when a certifier connects (certifier_connects), or `start_date`'s first
    training hour (date). `counts`: training hours (the day schedule without breaks, on class days)
    or business days (the class calendar: weekends, public holidays and closed dates skipped)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)
    label: str = Field(min_length=1, max_length=80)
    times: list[str] = Field(min_length=1)
    starts: Literal["class_start", "first_report", "certifier_connects", "date"] = "class_start"
    start_date: date | None = None
    counts: Literal["training_hours", "business_days"] = "training_hours"
    limit: float = Field(gt=0, le=500)  # what the guide gives, shown in the TL's DM
    policy: str = "timeframe"  # the coaching policy the proposed steps are under
    marks: list[TimedMark] = Field(min_length=1)

    @property
    def unit(self) -> str:
        return "training hours" if self.counts == "training_hours" else "business days"

    @model_validator(mode="after")
    def _consistent(self) -> TimedClock:
        after = [m.after for m in self.marks]
        if after != sorted(set(after)):
            raise ValueError("marks must rise, each `after` once")
        if self.starts == "date" and self.start_date is None:
            raise ValueError("starts: date needs a start_date")
        if self.starts != "date" and self.start_date is not None:
            raise ValueError("start_date is only read when starts: date")
        if self.starts == "certifier_connects" and "callcert" not in self.times:
            raise ValueError("starts: certifier_connects needs callcert among `times`")
        return self


def _problem(loc: tuple[int | str, ...], msg: str) -> str:
    reason = msg.removeprefix("Value error, ")
    return f"{'.'.join(str(p) for p in loc)}: {reason}" if loc else reason


class TimedRules(Strict):
    """The guides' clocks beyond the AHIP clock (`ahip_clock`, which keeps its own section and its
    pause and resume). Each clock is named in any refusal, so a team can find the one to fix."""

    clocks: list[TimedClock] = Field(default_factory=list)

    @field_validator("clocks", mode="before")
    @classmethod
    def _each_named(cls, value: object) -> object:
        if not isinstance(value, list):
            return value
        checked: list[TimedClock] = []
        for number, raw in enumerate(value, start=1):
            if isinstance(raw, TimedClock):
                checked.append(raw)
                continue
            name = raw.get("key") if isinstance(raw, dict) else None
            try:
                checked.append(TimedClock.model_validate(raw))
            except ValidationError as exc:
                problems = "; ".join(_problem(e["loc"], e["msg"]) for e in exc.errors())
                raise ValueError(f"clock {name or f'number {number}'}: {problems}") from exc
        keys = [c.key for c in checked]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"clock {repeated[0]}: the key is used twice")
        return checked
