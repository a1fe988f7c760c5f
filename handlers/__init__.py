"""Bolt listeners only: parse, call a service, render. One module per Slack surface."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from handlers import errors
from handlers.actions import coach_open as coach_open_action
from handlers.actions import forms as form_actions
from handlers.actions import help_queue as help_queue_actions
from handlers.actions import mia as mia_actions
from handlers.actions import red_flags as red_flag_actions
from handlers.commands import attendance as attendance_command
from handlers.commands import coach as coach_command
from handlers.commands import coaching_history as coaching_command
from handlers.commands import cohort as cohort_command
from handlers.commands import esp as esp_command
from handlers.commands import failcert as failcert_command
from handlers.commands import forms as forms_command
from handlers.commands import needhelp as needhelp_command
from handlers.commands import progress as progress_command
from handlers.commands import redflag as redflag_command
from handlers.commands import techissue as techissue_command
from handlers.events import app_home as app_home_event
from handlers.events import member_joined
from handlers.events import reactions as reaction_events
from handlers.views import coach_form as coach_form_view
from handlers.views import cohort_new
from handlers.views import failcert_form as failcert_form_view
from handlers.views import forms as form_views
from handlers.views import help_claim as help_claim_view
from handlers.views import mia_reason as mia_reason_view
from handlers.views import progress_form as progress_form_view
from handlers.views import red_flag_resolve as red_flag_resolve_view

# Grouped by Slack surface; the order does not matter to Bolt (each listener matches its own ids).
LISTENER_MODULES = (
    # slash commands
    cohort_command,
    attendance_command,
    techissue_command,
    needhelp_command,
    coach_command,
    coaching_command,
    failcert_command,
    progress_command,
    forms_command,
    esp_command,
    redflag_command,
    # buttons
    mia_actions,
    help_queue_actions,
    coach_open_action,
    form_actions,
    red_flag_actions,
    # modal submissions
    cohort_new,
    mia_reason_view,
    help_claim_view,
    coach_form_view,
    failcert_form_view,
    progress_form_view,
    form_views,
    red_flag_resolve_view,
    # events
    member_joined,
    reaction_events,
    app_home_event,
)


def register_all(app: App, ctx: AppContext) -> None:
    errors.register(app)
    for module in LISTENER_MODULES:
        module.register(app, ctx)
