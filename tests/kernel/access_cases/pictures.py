"""A class's pictures: the Pictures button on its Home panel (its value is the class channel)."""

from __future__ import annotations

from bot.access.policy import Action, Relation
from bot.slack import ids
from bot.standin.harness import World
from tests.kernel.access_cases.base import Case, answer_of


def _pictures(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.action(ids.ACTION_CLASS_PICTURES, channel or "", user=actor))


def _uploads(world: World) -> int:
    # A refusal hands out no file.
    return len(world.slack.uploads())


CASES: dict[Action, Case] = {
    Action.PICTURES_READ: Case(run=_pictures, written=_uploads, class_level=True),
}
