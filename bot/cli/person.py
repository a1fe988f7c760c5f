"""`training-day person add USER_ID NAME --role ROLE`: the operator's way to add staff and set roles
(the only way a role changes; audited as `person.role_changed`)."""

from __future__ import annotations

import argparse

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    person = sub.add_parser("person", help="people").add_subparsers(dest="person_command", required=True)
    adder = person.add_parser("add", help="add or update a staff member")
    adder.add_argument("user_id", help="Slack user ID, like U0TL0001")
    adder.add_argument("name")
    adder.add_argument("--role", required=True, choices=["agent", "tl", "pm", "esp_manager", "admin"])
    adder.set_defaults(handler=add_person)


def add_person(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core import people
    from db.migrate import upgrade
    from db.models import Role

    ctx = build_context(settings)
    upgrade(settings.database_url)
    role, now = Role(args.role), ctx.clock.now()
    with ctx.db.session() as session:
        # The operator's command is the one place a role changes; it is audited as such.
        person, changes = people.upsert(
            session, slack_user_id=args.user_id, name=args.name, role=role, actor="cli", now=now
        )
        changes += people.set_role(session, person, role, actor="cli", now=now)
    print("; ".join(changes) or f"{args.name}: unchanged")
    return 0
