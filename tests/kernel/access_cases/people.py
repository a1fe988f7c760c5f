"""People and roles: an admin's change of someone's role, from the Home's modal."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.standin.harness import World
from db.models import AuditEntry
from tests.helpers import text_of
from tests.kernel.access_cases.base import Case

_numbers = itertools.count(1)


def _change_role(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    user = f"U0ROLE{next(_numbers):04d}"
    world.slack.add_user(user, "Rhea Role")
    values = {
        "roles_person": {"value": {"type": "users_select", "selected_user": user}},
        "roles_role": {"value": {"type": "static_select", "selected_option": {"value": "pm"}}},
        "roles_reason": {"value": {"type": "plain_text_input", "value": "Covers the February classes"}},
    }
    before = len(world.slack.dms_to(actor))
    reply = world.driver.submit_view("people_roles", values, user=actor)
    if reply.body:
        return " ".join(reply.json().get("errors", {}).values())
    dms = world.slack.dms_to(actor)[before:]
    return text_of(dms[-1]) if dms else ""


def _role_changes(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "person.role_changed")
        return int(session.scalar(stmt) or 0)


CASES: dict[Action, Case] = {
    Action.ROLE_CHANGE: Case(run=_change_role, written=_role_changes, class_level=True),
}
