"""/needhelp [topic]: an agent joins the help queue; staff are told how the queue works and
see what is open in their classes."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.core.timefmt import clock_time, local
from bot.services import help_notify, help_queue, people
from bot.slack import ids
from db.models import Role
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.command(ids.NEEDHELP)
    @listener
    def handle(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        caller, asked = command["user_id"], (command.get("text") or "").strip()
        now = ctx.clock.now()
        with ctx.db.session() as session:
            person = people.by_slack_id(session, caller)
            staff_view = None
            if person is not None and person.role != Role.AGENT:
                rows = help_queue.open_for_staff(session, person)
                staff_view = help_blocks.staff_queue(
                    [(r.cohort.name, help_notify.card(ctx, r)) for r in rows], now
                )
        if staff_view is not None:
            respond(text="The help queue is for agents.", blocks=staff_view, response_type="ephemeral")
            return
        with ctx.db.session() as session:
            asker = help_queue.requester(session, caller)
            topic = help_queue.match_topic(ctx.playbook, asked)
            result = help_queue.enqueue(
                session, asker, source="needhelp", text=asked, topic_key=topic.key if topic else None, now=now
            )
            request_id, tl_id = result.request.id, asker.enrollment.cohort.tl.slack_user_id
            asked_at = clock_time(local(result.request.requested_at, asker.enrollment.cohort.timezone).time())
        blocks = help_blocks.queued(
            created=result.created,
            position=result.position,
            waiting=result.waiting,
            tl_id=tl_id,
            asked_at=asked_at,
        )
        respond(text="You're in the help queue.", blocks=blocks, response_type="ephemeral")
        if result.created:
            help_notify.notify_staff(ctx, request_id)
