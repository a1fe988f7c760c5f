"""Things that must happen after a cohort or an enrollment changes (planning its day, sending a
late G2T link, ...). Services stay unaware of them; the composition root wires them in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CohortHook = Callable[[int], None]
EnrollmentHook = Callable[[int, int], None]


@dataclass
class Hooks:
    cohort_saved: list[CohortHook] = field(default_factory=list)
    agent_enrolled: list[EnrollmentHook] = field(default_factory=list)

    def fire_cohort_saved(self, cohort_id: int) -> None:
        for hook in self.cohort_saved:
            hook(cohort_id)

    def fire_agent_enrolled(self, cohort_id: int, person_id: int) -> None:
        for hook in self.agent_enrolled:
            hook(cohort_id, person_id)
