"""The authorization policy, cell by cell: every role × action × relation is taken through the
real app and must be allowed exactly where bot/access/policy.py's table says, refused with one line
elsewhere, and a refusal writes nothing. The cases come from the policy's own table, so an action
without a case fails here."""

from __future__ import annotations

import pytest

from bot.access import policy
from bot.access.policy import Action, Relation
from db.models import Role
from tests.kernel.access_cases import CASES
from tests.kernel.access_cases.base import ACTORS, build, class_channel, target_agent

# Still to be exercised through the app (each is checked by its own feature tests meanwhile).
PENDING: set[Action] = set(Action) - set(CASES)


def test_every_action_has_a_case_or_is_listed_as_pending():
    assert set(CASES) | PENDING == set(Action)


@pytest.mark.parametrize("action", sorted(CASES, key=str), ids=str)
def test_the_table(world, action: Action):
    case = CASES[action]
    build(world)
    failures = []
    for role, actor in ACTORS.items():
        for relation in Relation:
            if case.class_level:
                target = class_channel(relation) if relation != Relation.SELF else None
            else:
                target = target_agent(role, relation)
            if target is None:
                continue
            expected = policy.allowed(role, action, relation, world.ctx.playbook.access.grants)
            before = case.written(world)
            answer = case.run(world, actor, target, relation)
            refused = case.refused(answer)
            if refused == expected:
                failures.append(
                    f"{role.value} × {relation.value}: expected {'allowed' if expected else 'refused'}, "
                    f"got {answer!r}"
                )
            elif refused and case.written(world) != before:
                failures.append(f"{role.value} × {relation.value}: refused but wrote a record")
            elif refused and "\n" in answer.strip():
                failures.append(f"{role.value} × {relation.value}: a refusal takes one line, got {answer!r}")
    assert failures == []


def test_admins_may_do_everything_and_roles_change_only_through_an_admin():
    for action in Action:
        assert all(policy.allowed(Role.ADMIN, action, rel) for rel in Relation)
    for role in Role:
        if role != Role.ADMIN:
            assert not policy.may_ever(role, Action.ROLE_CHANGE)
