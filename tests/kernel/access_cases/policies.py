"""Actions of the policies: pausing an agent's AHIP clock, scheduling the Final CAP's catch-up."""

from __future__ import annotations

import itertools
import json

from bot.access.policy import Action, Relation
from bot.slack import ids
from bot.standin.harness import World
from tests.kernel.access_cases.accountability import _audited
from tests.kernel.access_cases.base import CLASS_A, Case, answer_of


def _pause(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world,
        world.driver.command(
            "/progress", f"<@{agent}|x> pause N-Number arrived late", user=actor, channel=CLASS_A
        ),
    )


_VIEWS = itertools.count(1)  # each run is a form opened afresh: its own view id


def _schedule(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    values = {}
    for n, day in enumerate(("2026-12-07", "2026-12-08", "2026-12-09"), start=1):
        values[ids.CATCHUP_DATE_BLOCKS[n - 1]] = {
            ids.FIELD_INPUT: {"type": "datepicker", "selected_date": day}
        }
        values[ids.CATCHUP_TIME_BLOCKS[n - 1]] = {
            ids.FIELD_INPUT: {"type": "timepicker", "selected_time": "09:00"}
        }
    reply = world.driver.submit_view(
        ids.VIEW_CATCHUP,
        values,
        user=actor,
        private_metadata=json.dumps({"agent": agent}),
        view_id=f"V0CU{next(_VIEWS)}",
    )
    errors = (reply.json() if reply.body else {}).get("errors") or {}
    return next(iter(errors.values()), "saved")


CASES: dict[Action, Case] = {
    Action.AHIP_CLOCK_PAUSE: Case(run=_pause, written=_audited("ahip_clock.paused")),
    Action.CATCHUP_SCHEDULE: Case(run=_schedule, written=_audited("catchup.scheduled")),
}
