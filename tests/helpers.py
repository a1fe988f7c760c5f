"""Small steps tests share: importing the sample cohort, reading what reached Slack."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import func, select

from bot.cohorts import calendar_notice
from bot.cohorts import clocks as class_clocks
from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.core import people
from bot.core.budget import DIGEST_TITLE, LINE_SEPARATOR
from bot.g2t import links as g2t_links
from bot.standin.harness import World
from bot.standin.server import SlackStandIn
from bot.standin.transcript import flatten_blocks
from db.models import Cohort, Notification, Role

CLASS = "C0CLASS01"
TL = "U0TL0001"
PM = "U0PM0001"
ANA, BEN, CHLOE, DEV = "U0AG0001", "U0AG0002", "U0AG0003", "U0AG0004"


def sample_cohort(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "name": "AHIP/Aetna class - Dec 1",
        "channel": CLASS,
        "timezone": "America/Chicago",
        "start_date": "2026-12-01",
        "days": 3,
        "training_link": "https://example.gotowebinar.com/join/123456789",
        "team_lead": TL,
        "production_manager": PM,
        "agents": [
            {"slack_id": ANA, "name": "Ana Ruiz", "n_number": "N1234567", "npn": "19283746"},
            {"slack_id": BEN, "name": "Ben Okafor", "n_number": "N2345678", "npn": "28374651"},
            {"slack_id": CHLOE, "name": "Chloe Martin", "n_number": "N3456789", "npn": "37465102"},
        ],
    }
    raw.update(overrides)
    return raw


def unsaved_cohort(cohort_id: int = 1, **overrides: Any) -> Cohort:
    """The sample cohort as a row that was never saved: what the pure rules (the day plan) read of
    a cohort, without a World or a database."""
    raw = sample_cohort(**overrides)
    return Cohort(
        id=cohort_id,
        name=raw["name"],
        channel_id=raw["channel"],
        timezone=raw["timezone"],
        start_date=date.fromisoformat(raw["start_date"]),
        days=raw["days"],
        training_link=raw["training_link"],
    )


@cache
def _shipped() -> Playbook:
    return load_playbook(SHIPPED_PLAYBOOK)


def shipped_playbook() -> Playbook:
    """The shipped playbook, parsed once per process (a copy each call)."""
    return _shipped().model_copy(deep=True)


STAFF_NAMES = {TL: "Tess Lead", PM: "Paolo Manager"}


def add_staff(world: World, staff: dict[str, tuple[str, Role]] | None = None) -> None:
    """Staff with their roles, as an admin's `training-day person add ... --role` makes them (a
    cohort never gives anybody a role). Someone already on record keeps their role."""
    staff = staff or {TL: (STAFF_NAMES[TL], Role.TL), PM: (STAFF_NAMES[PM], Role.PM)}
    with world.ctx.db.session() as session:
        for user_id, (name, role) in staff.items():
            if people.by_slack_id(session, user_id) is not None:
                continue
            people.upsert(
                session, slack_user_id=user_id, name=name, role=role, actor="cli", now=world.clock.now()
            )


def import_cohort(world: World, **overrides: Any) -> int:
    """Import a cohort the way `training-day cohort import` does, the G2T links included; returns its id.
    Its TL and PM are set up first, with their roles, the way an admin does."""
    raw = sample_cohort(**overrides)
    add_staff(
        world,
        {
            raw["team_lead"]: (STAFF_NAMES.get(raw["team_lead"], "Team Lead"), Role.TL),
            raw["production_manager"]: (
                STAFF_NAMES.get(raw["production_manager"], "Production Manager"),
                Role.PM,
            ),
        },
    )
    spec = parse_cohort(raw, world.ctx.playbook)
    with world.ctx.db.session() as session:
        result = cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now())
        cohort_id = result.cohort.id
    class_clocks.learn_for_cohort(world.ctx, cohort_id)
    calendar_notice.tell_team_lead(world.ctx, cohort_id)
    g2t_links.deliver_links(world.ctx, cohort_id)
    world.settle()
    return cohort_id


def text_of(message: dict[str, Any]) -> str:
    """Everything a person would read in a message: its blocks, or its text."""
    lines = flatten_blocks(message.get("blocks"))
    return "\n".join(lines) if lines else str(message.get("text", ""))


def notices_to(world: World, user_id: str) -> list[dict[str, Any]]:
    """What a person has to read, one item per thing they are told: each DM as it looks now, and
    each line of a digest on its own (its blocks and buttons, as the digest shows them)."""
    found: list[dict[str, Any]] = []
    for message in world.slack.seen_by(user_id):
        blocks = message.get("blocks") or []
        first = blocks[0].get("text", {}).get("text", "") if blocks else ""
        if not first.startswith(DIGEST_TITLE):
            found.append(message)
            continue
        line: list[dict[str, Any]] = []
        for block in [*blocks[1:], {"type": "divider", "block_id": LINE_SEPARATOR}]:
            if str(block.get("block_id", "")).startswith(LINE_SEPARATOR):
                if line:
                    found.append(
                        {
                            "text": "\n".join(flatten_blocks(line)),
                            "blocks": line,
                            "ts": message["ts"],
                            "digest": True,
                        }
                    )
                line = []
                continue
            line.append(block)
    return found


def reached(world: World, user_id: str) -> list[dict[str, Any]]:
    """What a person has been told once the digests now waiting went out (their moment reached):
    `notices_to` after the next digest times."""
    with world.ctx.db.session() as session:
        due = session.scalar(select(func.max(Notification.due_at)).where(Notification.status == "held"))
    if due is not None and due > world.clock.now():
        world.advance_to(due)
    return notices_to(world, user_id)


def replies(world: World, reply: Any) -> list[str]:
    """What the bot said through the response_url of one command or action."""
    return replies_in(world.slack, reply)


def replies_in(standin: SlackStandIn, reply: Any) -> list[str]:
    token = reply.response_url_token
    return [text_of(r.payload) for r in standin.responses() if r.token == token]
