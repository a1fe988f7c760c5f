"""Submission of the /cohort new modal."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import cohort as cohort_blocks
from bot.context import AppContext
from bot.core.errors import DomainError
from bot.domain.cohort_spec import CohortSpec
from bot.services import calendar_notice, cohorts, g2t_links, people, person_clock
from bot.slack import ids
from bot.slack.directory import display_names
from handlers.errors import listener

FIELD_BLOCKS = {
    "name": ids.COHORT_FIELD_NAME,
    "channel": ids.COHORT_FIELD_CHANNEL,
    "timezone": ids.COHORT_FIELD_TIMEZONE,
    "start_date": ids.COHORT_FIELD_START,
    "days": ids.COHORT_FIELD_DAYS,
    "training_link": ids.COHORT_FIELD_LINK,
    "team_lead": ids.COHORT_FIELD_TL,
    "production_manager": ids.COHORT_FIELD_PM,
}


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_COHORT_NEW)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        caller = body["user"]["id"]
        raw = {field: _value(view, block_id) for field, block_id in FIELD_BLOCKS.items()}
        try:
            spec = CohortSpec.model_validate(raw)
        except ValidationError as exc:
            ack(response_action="errors", errors=_field_errors(exc))
            return
        # Validation and the insert are quick, and a conflict must show inside the modal,
        # so both happen before the ack. Slack calls (names, the confirmation) wait until after
        # it: a rate-limited users.info could otherwise hold the ack past Slack's 3 seconds.
        try:
            with ctx.db.session() as session:
                people.require_staff(session, caller, "create cohorts")
                result = cohorts.create_cohort(session, spec, actor=caller, now=ctx.clock.now())
                cohort_id = result.cohort.id
        except DomainError as exc:
            ack(response_action="errors", errors={ids.COHORT_FIELD_NAME: exc.message[:150]})
            return
        ack()
        names = display_names(client, {spec.team_lead, spec.production_manager})
        with ctx.db.session() as session:
            for user_id, name in names.items():
                people.adopt_directory_name(session, user_id, name, actor=caller, now=ctx.clock.now())
        person_clock.learn_for_cohort(ctx, cohort_id)
        notice = calendar_notice.tell_team_lead(ctx, cohort_id)
        client.chat_postMessage(
            channel=caller,
            text=f"Created {spec.name}.",
            blocks=cohort_blocks.cohort_created(
                spec.name, spec.channel, spec.start_date, spec.days, notice.line
            ),
        )
        g2t_links.deliver_links(ctx, cohort_id)


def _value(view: dict[str, Any], block_id: str) -> Any:
    element = (view.get("state", {}).get("values", {}).get(block_id) or {}).get(ids.FIELD_INPUT) or {}
    for key in ("value", "selected_conversation", "selected_date", "selected_user"):
        if element.get(key):
            return element[key]
    option = element.get("selected_option")
    return option.get("value") if option else None


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "name"
        block_id = FIELD_BLOCKS.get(field, ids.COHORT_FIELD_NAME)
        errors.setdefault(block_id, err["msg"].removeprefix("Value error, ")[:150])
    return errors
