"""People: a person's profile changes (their timezone) follow `user_change`; admins set roles
from their Home (the People and roles button and its modal)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.people import clock as person_clock
from bot.people import roles, roles_blocks
from bot.slack import ids
from bot.slack.view_state import ViewState
from handlers.listener import action, event, view
from handlers.replies import Nothing, OpenModal, Reply, Say


# -- events: user_change ------------------------------------------------------------------------
def user_change_event(event: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    user = event.get("user")
    if isinstance(user, dict):
        person_clock.user_changed(ctx, caller, user)
    return Nothing()


# -- actions and views: people and roles -------------------------------------------------------
def people_roles_open(ctx: AppContext, caller: Caller) -> Reply:
    roles.roles_form(ctx, caller)
    return OpenModal(roles_blocks.roles_modal(roles.CHOICES))


ROLES_FIELDS = {
    "person": ids.ROLES_PERSON_BLOCK,
    "role": ids.ROLES_ROLE_BLOCK,
    "reason": ids.ROLES_REASON_BLOCK,
}


def people_roles_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    user_id = state.user(ids.ROLES_PERSON_BLOCK)
    if not user_id:
        return Say("Choose a person.")
    request = roles.RoleRequest(
        user_id=user_id, choice=state.option(ids.ROLES_ROLE_BLOCK), reason=state.text(ids.ROLES_REASON_BLOCK)
    )
    result = roles.change_role(ctx, caller, request)
    if not result.changed:
        return Say(f"{result.name} is already {_a(result.role)}. Nothing changed.")
    if request.choice == roles.REMOVE:
        return Say(
            f":white_check_mark: {result.name} no longer holds a staff role. Recorded with your reason."
        )
    return Say(f":white_check_mark: {result.name} is now {_a(result.role)}. Recorded with your reason.")


def _a(noun: str) -> str:
    return ("an " if noun[0].lower() in "aeiou" else "a ") + noun


def register(app: App, ctx: AppContext) -> None:
    app.event(ids.EVENT_USER_CHANGE)(event(ctx, user_change_event))
    app.action(ids.ACTION_PEOPLE_ROLES)(action(ctx, people_roles_open))
    app.view(ids.VIEW_PEOPLE_ROLES)(
        view(ctx, people_roles_submitted, fields=ROLES_FIELDS, error_field=ids.ROLES_PERSON_BLOCK)
    )
