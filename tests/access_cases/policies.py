"""Issue 13's actions: pausing an agent's AHIP clock."""

from __future__ import annotations

from bot.access.policy import Action, Relation
from bot.standin.harness import World
from tests.access_cases.accountability import _audited
from tests.access_cases.base import CLASS_A, Case, answer_of


def _pause(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world,
        world.driver.command(
            "/progress", f"<@{agent}|x> pause N-Number arrived late", user=actor, channel=CLASS_A
        ),
    )


CASES: dict[Action, Case] = {
    Action.AHIP_CLOCK_PAUSE: Case(run=_pause, written=_audited("ahip_clock.paused")),
}
