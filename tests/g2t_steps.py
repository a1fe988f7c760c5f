"""Steps the G2T tests share: connecting the bot to the stand-in, importing a cohort without a link."""

from __future__ import annotations

from typing import Any

from bot.g2t import tokens as g2t_tokens
from bot.standin.g2t import G2TStandIn
from bot.standin.harness import World
from tests.helpers import import_cohort

REDIRECT = "https://bot.example.com/g2t/oauth/callback"
EMAILS = {
    "U0AG0001": "ana.ruiz@example.com",
    "U0AG0002": "ben.okafor@example.com",
    "U0AG0003": "chloe.martin@example.com",
    "U0AG0004": "dev.patel@example.com",
}


def g2t(world: World) -> G2TStandIn:
    assert world.g2t is not None
    return world.g2t


def connect(world: World) -> None:
    code = g2t(world).authorize(REDIRECT)
    g2t_tokens.connect(world.ctx, code, REDIRECT)


def agents_with_email(**skip: Any) -> list[dict[str, Any]]:
    from tests.helpers import sample_cohort

    rows = sample_cohort()["agents"]
    return [r | {"email": EMAILS[r["slack_id"]]} for r in rows]


def import_linkless(world: World, **overrides: Any) -> int:
    """The sample cohort without a training_link, agents' emails in the file."""
    fields: dict[str, Any] = {"training_link": None, "agents": agents_with_email()}
    return import_cohort(world, **(fields | overrides))
