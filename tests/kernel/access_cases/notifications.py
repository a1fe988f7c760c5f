"""Notification settings: anyone chooses how their own messages reach them, from their Home."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.standin.harness import World
from db.models import NotificationPreference
from tests.helpers import text_of
from tests.kernel.access_cases.base import Case


def _save_settings(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    values = {
        "notify_kinds": {
            "value": {"type": "multi_static_select", "selected_options": [{"value": "failcert"}]}
        },
        "notify_moments": {"value": {"type": "plain_text_input", "value": "10:15, 17:00"}},
    }
    before = len(world.slack.dms_to(actor))
    reply = world.driver.submit_view("notification_settings", values, user=actor)
    if reply.body:
        return " ".join(reply.json().get("errors", {}).values())
    dms = world.slack.dms_to(actor)[before:]
    return text_of(dms[-1]) if dms else ""


def _saved(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(NotificationPreference)) or 0)


CASES: dict[Action, Case] = {
    Action.NOTIFICATIONS_SET: Case(run=_save_settings, written=_saved, class_level=True),
}
