"""Bolt listeners, one module per feature: each parses, calls one use case and renders, and lists
its command, buttons, modals and events in its own `register`."""

from __future__ import annotations

from slack_bolt import App

from bot.core.context import AppContext
from handlers import (
    certs,
    class_day,
    coaching,
    cohorts,
    esp_tracker,
    forms,
    g2t,
    help_queue,
    home,
    people,
    pictures,
    progress,
    records,
    red_flags,
    reports,
    sheet_sync,
)
from handlers.listener import ignore_malformed, unhandled

FEATURES = (
    people,
    cohorts,
    class_day,
    help_queue,
    red_flags,
    coaching,
    progress,
    # Before the ESP tracker: Bolt runs the first listener that matches, and reports takes
    # `/esp export` before `/esp` itself.
    reports,
    esp_tracker,
    certs,
    forms,
    sheet_sync,
    pictures,
    records,
    home,
    g2t,
)


def register_all(app: App, ctx: AppContext) -> None:
    app.middleware(ignore_malformed)
    app.error(unhandled)
    for feature in FEATURES:
        feature.register(app, ctx)
