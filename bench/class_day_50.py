"""One class day of 50 agents with realistic lapses, through the stand-in: check-ins (four late,
two never), a missed hand at each break, failed exams, progress reports, forms the TL files, help
requests, red flags, an MIA excused. Prints the DMs each role received (immediate and digests),
the messages updated in place and the Slack API calls, once with the notification budget's
defaults and once with the TL and PM asking for every alert at once (what the bot did before).

    .venv/bin/python -m bench.class_day_50                 # SQLite in a temp dir
"""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.config.notifications import DEFAULT_DIGEST_KINDS
from bot.core import budget
from bot.slack import ids
from bot.standin.classes import add_staff, big_cohort
from bot.standin.harness import World
from bot.standin.server import dm_channel_for
from db.models import DigestLine, Notification

CH = ZoneInfo("America/Chicago")
N = 50
AGENTS = [f"U0AG{i:04d}" for i in range(1, N + 1)]
CHANNEL = "C0BIGCLS1"
TL, PM = "U0TL0001", "U0PM0001"
DAY = datetime(2026, 12, 1, tzinfo=CH)
START = datetime(2026, 11, 30, 7, 0, tzinfo=CH)
# The agents who miss a hand at each break (raise or lower).
MISSED = {1: ["U0AG0007", "U0AG0019"], 2: ["U0AG0023"], 3: ["U0AG0031", "U0AG0044"]}
LATE, NEVER = ["U0AG0003", "U0AG0011", "U0AG0027", "U0AG0040"], ["U0AG0013", "U0AG0048"]


@dataclass
class Figures:
    dms: dict[str, int] = field(default_factory=dict)  # who -> DMs posted
    immediate: dict[str, Counter[str]] = field(default_factory=dict)  # who -> kind -> DMs
    digests: dict[str, int] = field(default_factory=dict)  # who -> digest messages
    lines: dict[str, int] = field(default_factory=dict)  # who -> digest lines
    updated: int = 0
    api_calls: Counter[str] = field(default_factory=Counter)
    refused: int = 0


def set_up(world: World, *, every_alert_at_once: bool = False) -> None:
    spec = parse_cohort(big_cohort(N), world.ctx.playbook)
    with world.ctx.db.session() as session:
        add_staff(session, world.clock.now())
        cohorts.import_cohort(session, spec, actor="bench", now=world.clock.now())
        if every_alert_at_once:
            for who in (TL, PM):
                budget.save_preference(
                    session,
                    who,
                    modes=dict.fromkeys(DEFAULT_DIGEST_KINDS, budget.IMMEDIATE),
                    moments=None,
                    quiet=None,
                    now=world.clock.now(),
                )


def play_day(world: World) -> None:
    """Day 1 of the class, minute by minute where it matters."""
    driver = world.driver

    def at(hour: int, minute: int = 0) -> None:
        world.advance_to(DAY.replace(hour=hour, minute=minute))

    def last_post() -> str:
        return str(world.slack.messages(channel=CHANNEL)[-1]["ts"])

    def react(users: list[str], name: str, ts: str) -> None:
        for user in users:
            driver.reaction(user, name, CHANNEL, ts)
        world.settle(60)

    def fail(agent: str, score: int, carrier: str = "ahip") -> None:
        driver.command("/failcert", f"<@{agent}|agent> {carrier} {score}", user=TL, channel=CHANNEL)

    at(8)
    morning = last_post()
    react([a for a in AGENTS if a not in LATE + NEVER], "white_check_mark", morning)
    at(8, 20)
    react(LATE, "white_check_mark", morning)
    at(9, 10)
    fail("U0AG0005", 61)
    driver.command("/needhelp", "AHIP module 3 will not load", user="U0AG0009", channel=CHANNEL)
    at(9, 40)
    for agent in AGENTS[:8]:
        driver.command("/progress", "ahip final", user=agent, channel=CHANNEL)
    fail("U0AG0015", 58)
    for number, (hour, minute, length) in enumerate(((10, 0, 15), (12, 0, 30), (14, 30, 15)), start=1):
        start = DAY.replace(hour=hour, minute=minute)
        world.advance_to(start - timedelta(minutes=5))
        react([a for a in AGENTS if a not in NEVER + MISSED[number][:1]], "raised_hand", last_post())
        world.advance_to(start + timedelta(minutes=length))
        react([a for a in AGENTS if a not in NEVER + MISSED[number][1:]], "white_check_mark", last_post())
        world.advance_to(start + timedelta(minutes=length + 6))
        if number == 1:
            _excuse_first_mia(world)
        if number == 2:
            fail("U0AG0021", 66, "aetna")
            driver.command(
                "/redflag",
                "<@U0AG0033|agent> background Finding in the Aetna check",
                user=TL,
                channel=CHANNEL,
            )
            driver.command("/needhelp", "Citrix says my password expired", user="U0AG0036", channel=CHANNEL)
    at(15, 10)
    for agent in AGENTS[8:20]:
        driver.command("/progress", "ahip final", user=agent, channel=CHANNEL)
    fail("U0AG0005", 64)
    fail("U0AG0038", 55)
    driver.command(
        "/redflag", "<@U0AG0041|agent> conduct Rude to a classmate in chat", user=TL, channel=CHANNEL
    )
    driver.command("/needhelp", "No audio in GoTo", user="U0AG0045", channel=CHANNEL)
    at(16, 0)
    for number, agent in enumerate(AGENTS[:8], start=1):
        _tbt_form(world, agent, number)
    at(16, 30)
    for agent in AGENTS[:6]:
        driver.command("/progress", "aetna done", user=agent, channel=CHANNEL)
    at(19)


def _tbt_form(world: World, agent: str, number: int) -> None:
    """The TL files a TBT form for an agent, as from the /forms picker."""

    def typed(value: str) -> dict[str, str]:
        return {"type": "plain_text_input", "value": value}

    world.driver.submit_view(
        ids.VIEW_FORMS["tbt"],
        {
            ids.FORM_AGENT_BLOCK: {ids.FIELD_INPUT: {"type": "users_select", "selected_user": agent}},
            ids.FORM_NNUMBER_BLOCK: {ids.FIELD_INPUT: typed(f"N{1000000 + int(agent[4:])}")},
            ids.FORM_DATE_BLOCK: {ids.FIELD_INPUT: {"type": "datepicker", "selected_date": "2026-12-01"}},
            ids.FORM_TRAINER_BLOCK: {ids.FIELD_INPUT: typed("Tess Lead")},
            ids.FORM_NOTES_BLOCK: {ids.FIELD_INPUT: typed("Shadowed two calls")},
        },
        user=TL,
        view_id=f"V0TBT{number:04d}",
    )


def _excuse_first_mia(world: World) -> None:
    """The TL excuses one MIA from the alert's button, with a reason."""
    for message in world.slack.seen_by(TL):
        for block in message.get("blocks") or []:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == ids.ACTION_MIA_EXCUSE:
                    world.driver.action(
                        ids.ACTION_MIA_EXCUSE, element["value"], user=TL, channel=dm_channel_for(TL)
                    )
                    meta = world.slack.calls("views.open")[-1].args["view"]["private_metadata"]
                    world.driver.submit_view(
                        ids.VIEW_MIA_REASON,
                        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": "Doorbell; told me in chat"}}},
                        user=TL,
                        private_metadata=meta,
                    )
                    return


def figures(world: World) -> Figures:
    found = Figures()
    with world.ctx.db.session() as session:
        sent = list(session.scalars(select(Notification).where(Notification.status.in_(("sent", "stale")))))
        lines = {
            row.key: row.recipient for row in sent if row.kind == budget.DIGEST
        }  # digest key -> recipient
        line_rows = list(session.scalars(select(DigestLine)))
    for who, name in ((TL, "TL"), (PM, "PM")):
        found.dms[name] = len(world.slack.dms_to(who))
        found.immediate[name] = Counter(
            r.kind for r in sent if r.recipient == who and r.kind != budget.DIGEST
        )
        found.digests[name] = sum(1 for r in sent if r.recipient == who and r.kind == budget.DIGEST)
        found.lines[name] = sum(1 for line in line_rows if lines.get(line.digest_key) == who)
    found.dms["agents"] = sum(len(world.slack.dms_to(a)) for a in AGENTS)
    found.updated = len(world.slack.updates())
    found.api_calls = Counter(c.method for c in world.slack.calls())
    found.refused = len(world.slack.rejected())
    return found


def report(title: str, found: Figures) -> None:
    print(title)
    for name in ("TL", "PM"):
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(found.immediate[name].items()))
        print(
            f"  {name}: {found.dms[name]} DMs = {sum(found.immediate[name].values())} immediate ({kinds or 'none'})"
            f" + {found.digests[name]} digests holding {found.lines[name]} lines"
        )
    print(f"  agents: {found.dms['agents']} DMs")
    print(f"  messages updated in place: {found.updated}")
    calls = ", ".join(f"{m} {n}" for m, n in found.api_calls.most_common())
    print(f"  Slack API calls: {sum(found.api_calls.values())} ({calls})")
    print(f"  refused as invalid Block Kit: {found.refused}")


def main() -> None:
    logging.getLogger().setLevel(logging.ERROR)
    for name in ("alembic", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.ERROR)
    for at_once, title in (
        (True, "every alert at once (as before the budget):"),
        (False, "the budget's defaults:"),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            database_url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            with World(database_url, start=START) as world:
                set_up(world, every_alert_at_once=at_once)
                play_day(world)
                report(f"a {N}-agent class day, {title}", figures(world))


if __name__ == "__main__":
    main()
