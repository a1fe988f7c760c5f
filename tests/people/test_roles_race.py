"""Two admins removing each other's admin role at the same moment, from two replicas: the admins
are counted one change after the other, so the bot always keeps one."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from bot.core import job_context
from bot.standin.harness import World
from db.models import AuditEntry, Person, Role
from tests.helpers import add_staff
from tests.people.test_roles import ADMIN, _values

SECOND = "U0ADM002"


def test_two_admins_removing_each_other_at_once_leave_one_admin(world):
    world.slack.add_user(SECOND, "Sam Second")
    add_staff(world, {ADMIN: ("Alex Admin", Role.ADMIN), SECOND: ("Sam Second", Role.ADMIN)})
    replica_b = World(world.database_url, start=world.clock.now(), standin=world.slack, migrate=False)
    job_context.install(world.ctx)
    answers: dict[str, str] = {}

    def remove(on: World, actor: str, whom: str) -> None:
        reply = on.driver.submit_view(
            "people_roles", _values(whom, "remove", reason="Leaving the team"), user=actor
        )
        answers[actor] = reply.body

    try:
        both = [
            threading.Thread(target=remove, args=(world, ADMIN, SECOND)),
            threading.Thread(target=remove, args=(replica_b, SECOND, ADMIN)),
        ]
        # A third transaction holds both admins while the two changes arrive and read them.
        with world.ctx.db.session() as session:
            session.execute(select(Person.id).where(Person.role == Role.ADMIN).with_for_update())
            for thread in both:
                thread.start()
            time.sleep(0.5)
        for thread in both:
            thread.join(timeout=30)
    finally:
        replica_b.close()
        job_context.install(world.ctx)

    with world.ctx.db.session() as session:
        admins = session.scalar(select(func.count(Person.id)).where(Person.role == Role.ADMIN))
        changes = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "person.role_changed")
        )
    assert admins == 1 and changes == 1
    refused = [body for body in answers.values() if body]
    assert len(refused) == 1 and ("last admin" in refused[0] or "only admins" in refused[0]), answers
