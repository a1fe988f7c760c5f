"""GoTo Training: the admin connects the bot once; a class imported without a
training_link gets its G2T made, every agent a personal join link, the TL the start link, and
after the day the attendance DM with the minutes each agent really spent in the session."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.demo.stage import G2T_AGENTS, G2T_CHANNEL, PM, TL, Stage
from bot.g2t import links as g2t_links
from bot.g2t import tokens as g2t_tokens

CH = ZoneInfo("America/Chicago")
REDIRECT = "https://training-day.example.com/g2t/oauth/callback"
EVA, FINN = list(G2T_AGENTS)
EMAILS = {EVA: "eva.stone@example.com", FINN: "finn.cole@example.com"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CH)


def play(stage: Stage) -> None:
    world = stage.world
    standin = world.g2t
    if standin is None:
        return
    stage.scene("GoTo Training: the bot prepares the G2T")
    stage.narrate("An admin connects the bot to the team's GoTo Training account (training-day g2t connect).")
    connected = g2t_tokens.connect(world.ctx, standin.authorize(REDIRECT), REDIRECT)
    stage.narrate(f"Connected as {connected.account.name} <{connected.account.email}>.")
    world.clock.set(at(3, 16))
    for user_id, name in G2T_AGENTS.items():
        world.slack.add_user(user_id, name)
    raw = {
        "name": "AHIP/Aetna class - Dec 7",
        "channel": G2T_CHANNEL,
        "timezone": "America/Chicago",
        "start_date": "2026-12-07",
        "days": 1,
        "team_lead": TL,
        "production_manager": PM,
        "agents": [
            {
                "slack_id": EVA,
                "name": "Eva Stone",
                "n_number": "N5678901",
                "npn": "56789012",
                "email": EMAILS[EVA],
            },
            {
                "slack_id": FINN,
                "name": "Finn Cole",
                "n_number": "N6789012",
                "npn": "67890123",
                "email": EMAILS[FINN],
            },
        ],
    }
    stage.narrate("The team imports a one-day class for Mon Dec 7 with no training_link in the file.")
    spec = parse_cohort(raw, world.ctx.playbook)
    with world.ctx.db.session() as session:
        cid = cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now()).cohort.id
    g2t_links.deliver_links(world.ctx, cid)
    training = standin.only_training()
    stage.narrate(
        f"GoTo Training now has '{training.name}' ({training.timezone}), sessions "
        + ", ".join(f"{t['startDate']}–{t['endDate']}" for t in training.times)
        + f"; description: {training.description}"
    )
    stage.narrate("Registered: " + ", ".join(sorted(standin.active_registrants(training.key))))
    stage.show()

    stage.scene("The day before: personal join links and the TL's start link")
    world.clock.set(at(6, 8))
    world.run_job("bot.g2t.jobs:send_g2t_links", cid)
    world.run_job("bot.g2t.jobs:start_link_eve", cid, 1)
    stage.show()

    stage.scene("The class day in GoTo Training")
    world.clock.set(at(7, 8))
    world.run_job("bot.class_day.jobs:morning_post", cid, 1)
    stage.narrate("Eva is in the session all day; Finn joins at 9:20 and drops out 13:00-13:40.")
    standin.hold_session(
        training.key,
        at(7, 7, 58),
        at(7, 17, 1),
        {
            EMAILS[EVA]: [(at(7, 7, 58), at(7, 17, 1))],
            EMAILS[FINN]: [(at(7, 9, 20), at(7, 13, 0)), (at(7, 13, 40), at(7, 17, 0))],
        },
    )
    world.clock.set(at(7, 17))
    world.run_job("scheduler.jobs:end_of_day", cid, 1)
    world.clock.set(at(7, 17, 15))
    world.run_job("bot.g2t.jobs:attendance_report", cid, 1)
    stage.show()
    stage.narrate(
        "GoTo publishes the attendee report about half an hour after the session; the bot's G2T job fetches it."
    )
    world.clock.set(at(7, 17, 45))
    world.run_job("bot.g2t.jobs:sync")
    stage.show()
