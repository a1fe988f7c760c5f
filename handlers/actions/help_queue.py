"""The help queue's buttons: "Still stuck" (agent joins the queue), "Claim" (opens the
breakout-room modal), "Mark resolved"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import help as help_blocks
from bot.context import AppContext
from bot.core.errors import Conflict, InvalidInput
from bot.core.timefmt import clock_time, local
from bot.services import help_notify, help_queue
from bot.slack import ids
from handlers.errors import listener


def _request_id(body: dict[str, Any]) -> int:
    value = (body.get("actions") or [{}])[0].get("value") or ""
    if not value.isdigit():
        raise InvalidInput("That button is out of date; nothing changed.")
    return int(value)


def register(app: App, ctx: AppContext) -> None:
    @app.action(ids.ACTION_HELP_STILL_STUCK)
    @listener
    def still_stuck(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        topic_key, asked = help_blocks.parse_still_stuck_value(body["actions"][0].get("value", ""))
        topic = help_queue.topic_by_key(ctx.playbook, topic_key)
        with ctx.db.session() as session:
            asker = help_queue.requester(session, body["user"]["id"])
            result = help_queue.enqueue(
                session,
                asker,
                source="techissue",
                text=asked,
                topic_key=topic.key if topic else None,
                now=ctx.clock.now(),
            )
            request_id, tl_id = result.request.id, asker.enrollment.cohort.tl.slack_user_id
            asked_at = clock_time(local(result.request.requested_at, asker.enrollment.cohort.timezone).time())
        steps = help_blocks.troubleshooting(
            topic,
            ctx.playbook.tech_issues.general,
            ctx.playbook.guides.tech_issues,
            asked=asked,
            button_value=None,
            topics=[],
            staff_note=False,
        )
        queued = help_blocks.queued(
            created=result.created,
            position=result.position,
            waiting=result.waiting,
            tl_id=tl_id,
            asked_at=asked_at,
        )
        respond(text="You're in the help queue.", blocks=steps + queued, replace_original=True)
        if result.created:
            help_notify.notify_staff(ctx, request_id)

    @app.action(ids.ACTION_HELP_CLAIM)
    @listener
    def claim(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        request_id = _request_id(body)
        with ctx.db.session() as session:
            request = help_queue.get(session, request_id)
            help_queue.require_claimer(session, body["user"]["id"], request.cohort)
            if request.status != "waiting":
                raise Conflict(help_queue.taken_message(request))
            card = help_notify.card(ctx, request)
        client.views_open(
            trigger_id=body["trigger_id"],
            view=help_blocks.claim_modal(card, ctx.playbook.help_queue.max_breakout_room),
        )

    @app.action(ids.ACTION_HELP_RESOLVE)
    @listener
    def resolve(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        request_id = _request_id(body)
        with ctx.db.session() as session:
            request = help_queue.get(session, request_id)
            staff = help_queue.require_claimer(
                session, body["user"]["id"], request.cohort, "resolve help requests"
            )
            request, changed = help_queue.resolve(session, request_id, by=staff, now=ctx.clock.now())
            message = None if changed else help_queue.taken_message(request)
        if message:
            respond(text=message, response_type="ephemeral", replace_original=False)
        help_notify.refresh_staff_message(ctx, request_id)
