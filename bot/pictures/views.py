"""From facts to the view models the pictures draw: pure functions, so each picture's numbers are
tested without a database or a renderer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from bot.pictures.types import (
    STAGES,
    AgentDays,
    AttendanceCell,
    AttendanceMap,
    ClassStages,
    ExamOutcome,
    Funnel,
    FunnelRow,
    PassRates,
    Rate,
)

# The letters in an attendance map's cells, for the shipped codes; another playbook's code shows
# the initials of its label.
CODE_LETTERS: dict[str, str] = {
    "full_day": "P",
    "tardy_under_1h": "T",
    "tardy_over_1h": "T+",
    "left_early_under_1h": "L",
    "left_early_over_1h": "L+",
    "absent_unapproved": "A",
    "absent_hr_approved": "AH",
    "ncns": "N",
    "mia": "M",
    "no_longer_employed": "X",
}
MIA_MARK = "!"


def funnel(classes: Iterable[ClassStages]) -> Funnel:
    """For each class and each moment it is counted at, how many agents had reached each stage."""
    rows = []
    for cls in classes:
        for label, cutoff in cls.cutoffs:
            counts = tuple(
                sum(1 for a in cls.agents if (at := a.reached.get(stage)) is not None and at <= cutoff)
                for stage in STAGES
            )
            rows.append(FunnelRow(cls.name, label, counts[0], counts))
    return Funnel(STAGES, rows)


def letter_of(code: str, label: str) -> str:
    if code in CODE_LETTERS:
        return CODE_LETTERS[code]
    initials = "".join(word[0] for word in label.split() if word[:1].isalnum())
    return (initials or code[:2]).upper()[:2]


def attendance_map(
    class_name: str, days: Sequence[int], agents: Iterable[AgentDays], labels: dict[str, str]
) -> AttendanceMap:
    """Agents (by name) × class days held: each cell the day's code as a letter, MIAs marked."""
    ordered = sorted(agents, key=lambda a: a.name.lower())
    cells = []
    used: dict[str, str] = {}
    for agent in ordered:
        row = []
        for day in days:
            code = agent.codes.get(day, "")
            letter = letter_of(code, labels.get(code, code)) if code else "·"
            mia = day in agent.mia_days
            if code:
                used[code] = letter
            row.append(AttendanceCell(letter + (MIA_MARK if mia else ""), code, mia))
        cells.append(row)
    legend = [(letter, code, labels.get(code, code)) for code, letter in used.items()]
    order = list(labels)
    legend.sort(key=lambda item: order.index(item[1]) if item[1] in order else len(order))
    return AttendanceMap(class_name, list(days), [a.name for a in ordered], cells, legend)


def pass_rates(outcomes: Iterable[ExamOutcome]) -> PassRates:
    """First-attempt pass rates per exam and per TL: of the agents who took an exam (passed it or
    failed it at least once), those who passed with no failed attempt."""
    by_exam: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_tl: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    classes: dict[str, None] = {}
    for o in outcomes:
        classes[o.class_name] = None
        if not o.passed and o.failed_attempts == 0:
            continue  # not taken yet
        first = 1 if o.passed and o.failed_attempts == 0 else 0
        for bucket in (by_exam[o.exam], by_tl[o.tl_name]):
            bucket[0] += first
            bucket[1] += 1
    return PassRates(
        classes=list(classes),
        by_exam=[Rate(k, v[0], v[1]) for k, v in by_exam.items()],
        by_tl=[Rate(k, v[0], v[1]) for k, v in sorted(by_tl.items(), key=lambda kv: kv[0].lower())],
    )
