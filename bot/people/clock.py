"""Each person's own clock: the timezone Slack knows them by (users.info `tz`), kept on the person
and refreshed when Slack says it changed (the `user_change` event). DMs read it to show times in
the reader's zone; channel posts keep the class's."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.core import audit, people
from bot.core.context import AppContext
from bot.core.unit_of_work import Work, use_case
from bot.core.zones import known_zone

log = logging.getLogger(__name__)


def usable(zone: object) -> str | None:
    return known_zone(zone)


def keep(session: Session, slack_user_id: str, zone: object, *, now: datetime) -> bool:
    """Store the person's zone when it is a real one and differs; True when it changed."""
    person = people.by_slack_id(session, slack_user_id)
    tz = usable(zone)
    if person is None or tz is None or person.timezone == tz:
        return False
    before, person.timezone, person.updated_at = person.timezone, tz, now
    session.flush()
    audit.record(
        session,
        actor="slack",  # Slack's directory said so, not a person of ours
        action="person.timezone",
        entity="person",
        entity_id=person.id,
        at=now,
        details={"before": before, "after": tz},
    )
    return True


def learn(ctx: AppContext, slack_user_ids: Iterable[str]) -> int:
    """Ask Slack for each person's zone (no transaction open while it answers); returns how many changed."""
    zones: dict[str, Any] = {}
    for user_id in slack_user_ids:
        try:
            zones[user_id] = ctx.client.users_info(user=user_id)["user"].get("tz")
        except (SlackApiError, SlackClientError, OSError, KeyError) as exc:
            log.info("no timezone from Slack for %s: %s", user_id, exc)
    changed = 0
    with ctx.db.session() as session:
        for user_id, zone in zones.items():
            changed += keep(session, user_id, zone, now=ctx.clock.now())
    return changed


@use_case
def user_changed(work: Work, user: dict[str, Any]) -> bool:
    """A `user_change` event carries the whole user object: keep its zone if we know the person."""
    user_id = user.get("id")
    if not isinstance(user_id, str):
        return False
    return keep(work.session, user_id, user.get("tz"), now=work.now)
