"""The two-class world the authorization table runs in, and the shape of one action's case.

Class A (channel C0CLASSA1) has TL_A, PM_A and agents A1, A2; class B (C0CLASSB1) has TL_B, PM_B
and agent B1; N1 is an agent in no active class. ESP is an ESP manager, ADMIN an admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.access.policy import Relation
from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.core import people
from bot.standin.harness import World
from db.models import Role

CLASS_A, CLASS_B = "C0CLASSA1", "C0CLASSB1"
TL_A, PM_A, TL_B, PM_B = "U0TLA0001", "U0PMA0001", "U0TLB0001", "U0PMB0001"
ESP, ADMIN = "U0ESP001", "U0ADM001"
A1, A2, B1, N1 = "U0AGA0001", "U0AGA0002", "U0AGB0001", "U0AGN0001"

ACTORS: dict[Role, str] = {
    Role.ADMIN: ADMIN,
    Role.TL: TL_A,
    Role.PM: PM_A,
    Role.ESP_MANAGER: ESP,
    Role.AGENT: A1,
}

# The agent an action is done to, by the relation it has to each role's actor above. An agent's
# relation to anyone else's record is OTHER_CLASS (agents lead no class); SELF only exists for agents.
TARGET_AGENT: dict[Relation, str] = {
    Relation.OWN_CLASS: A2,
    Relation.OTHER_CLASS: B1,
    Relation.NONE: N1,
}
NAMES = {
    TL_A: "Tara Alpha",
    PM_A: "Pat Alpha",
    TL_B: "Tom Beta",
    PM_B: "Pia Beta",
    ESP: "Erin Esp",
    ADMIN: "Alex Admin",
    A1: "Ann One",
    A2: "Abe Two",
    B1: "Bea One",
    N1: "Ned None",
}


def target_agent(role: Role, relation: Relation) -> str | None:
    """The agent to act on for this cell, or None when the cell cannot occur."""
    if relation == Relation.SELF:
        return ACTORS[role] if role == Role.AGENT else None
    if role == Role.AGENT and relation == Relation.OWN_CLASS:
        return None  # an agent leads no class
    if role in (Role.ADMIN, Role.ESP_MANAGER) and relation == Relation.OWN_CLASS:
        return None  # they lead no class either
    return TARGET_AGENT[relation]


def class_channel(relation: Relation) -> str | None:
    """The class channel to act in for a class-level action (a list, a class view, enrolment)."""
    return {Relation.OWN_CLASS: CLASS_A, Relation.OTHER_CLASS: CLASS_B, Relation.NONE: "C0NOCLASS1"}.get(
        relation
    )


def build(world: World) -> None:
    for uid, name in NAMES.items():
        world.slack.add_user(uid, name)
    with world.ctx.db.session() as session:
        now = world.clock.now()
        for uid, role in (
            (TL_A, Role.TL),
            (PM_A, Role.PM),
            (TL_B, Role.TL),
            (PM_B, Role.PM),
            (ESP, Role.ESP_MANAGER),
            (ADMIN, Role.ADMIN),
        ):
            people.upsert(session, slack_user_id=uid, name=NAMES[uid], role=role, actor="test", now=now)
        for channel, name, tl, pm, agents in (
            (CLASS_A, "Class A", TL_A, PM_A, [(A1, "N1000001"), (A2, "N1000002")]),
            (CLASS_B, "Class B", TL_B, PM_B, [(B1, "N2000001")]),
            ("C0OLDCLS1", "Class Old", TL_B, PM_B, [(N1, "N3000001")]),
        ):
            spec = parse_cohort(
                {
                    "name": name,
                    "channel": channel,
                    "timezone": "America/Chicago",
                    "start_date": "2026-12-01",
                    "days": 3,
                    "training_link": "https://example.gotowebinar.com/join/1",
                    "team_lead": tl,
                    "production_manager": pm,
                    "agents": [
                        {"slack_id": a, "name": NAMES[a], "n_number": n, "npn": str(10000000 + i)}
                        for i, (a, n) in enumerate(agents)
                    ],
                },
                world.ctx.playbook,
            )
            cohorts.import_cohort(session, spec, actor="test", now=now)
        # N1's class let them go: an agent in no active class.
        old = cohorts.for_channel(session, "C0OLDCLS1")
        assert old is not None
        for enrollment in cohorts.active_enrollments(session, old.id):
            enrollment.status = "removed"


@dataclass(frozen=True)
class Case:
    """How to take an action as `actor` on `agent` (or in `channel`) through the real app.

    `run` sends the signed request(s) and returns what the person was told; `refused` says whether
    that answer is a refusal; `written` counts the records the action writes, to prove a refusal
    wrote nothing."""

    run: Callable[[World, str, str | None, Relation], str]
    written: Callable[[World], int]
    refused: Callable[[str], bool] = lambda answer: answer.startswith("Sorry")
    # Actions that need no target agent (a list, a class view): the relation picks the channel.
    class_level: bool = False


def answer_of(world: World, reply: Any) -> str:
    from tests.helpers import replies

    found = replies(world, reply)
    return found[-1] if found else reply.body
