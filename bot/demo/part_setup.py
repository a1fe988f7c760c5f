"""Setting up a class: import the cohort, list it, add a late agent, and the N-Number guard."""

from __future__ import annotations

from bot.cohorts import service as cohorts
from bot.cohorts.spec import load_cohort_file
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.core import people
from bot.demo.stage import CLASS_CHANNEL, NEW_AGENT, TL, Stage
from bot.g2t import links as g2t_links
from bot.slack.directory import display_names
from db.models import Role

SAMPLE = SHIPPED_PLAYBOOK.with_name("samples") / "cohort.yml"


def play(stage: Stage) -> None:
    world = stage.world
    stage.scene("Setting up the class")
    spec = load_cohort_file(SAMPLE, world.ctx.playbook)
    stage.narrate(
        'An admin sets up the staff (training-day person add USER_ID "Name" --role tl|pm): a cohort '
        "never gives anybody a role."
    )
    names = display_names(world.ctx.client, {spec.team_lead, spec.production_manager})
    with world.ctx.db.session() as session:
        for user_id, role in ((spec.team_lead, Role.TL), (spec.production_manager, Role.PM)):
            people.upsert(
                session,
                slack_user_id=user_id,
                name=names.get(user_id, user_id),
                role=role,
                actor="cli",
                now=world.clock.now(),
            )
    stage.narrate(
        "The licensing team imports the cohort file (training-day cohort import bot/samples/cohort.yml)."
    )
    with world.ctx.db.session() as session:
        result = cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now())
        cohort_id, changes = result.cohort.id, result.changes
    stage.narrate("; ".join(changes))
    g2t_links.deliver_links(world.ctx, cohort_id)
    stage.show()

    stage.says(TL, "/cohort")
    world.driver.command("/cohort", "", user=TL, channel=CLASS_CHANNEL)
    stage.show()

    user_id, name = NEW_AGENT
    world.slack.add_user(user_id, name)
    stage.says(TL, f"/cohort add @{name} 48213377 48213377   (the NPN typed where the N-Number goes)")
    world.driver.command(
        "/cohort", f"add <@{user_id}|dev.patel> 48213377 48213377", user=TL, channel=CLASS_CHANNEL
    )
    stage.show()
    stage.says(TL, f"/cohort add @{name} N4821337 48213377")
    world.driver.command(
        "/cohort", f"add <@{user_id}|dev.patel> N4821337 48213377", user=TL, channel=CLASS_CHANNEL
    )
    stage.show()
