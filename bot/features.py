"""The features, in the one order they may depend on each other: a feature imports only features
listed before it, and of those only their services and types (never their Block Kit or their jobs).

The kernel (bot/core, bot/access, bot/slack, bot/config) imports no feature, except that the
playbook root composes the features' playbook sections. tests/kernel/test_layering.py enforces both."""

from __future__ import annotations

FEATURES: tuple[str, ...] = (
    "people",
    "calendar",
    "cohorts",
    "class_day",
    "help_queue",
    "red_flags",
    "coaching",
    "progress",
    "esp_tracker",
    "certs",
    "forms",
    "g2t",
    "sheet_sync",
    "pictures",
    "reports",
    "records",
    "home",
)
KERNEL: tuple[str, ...] = ("core", "access", "slack", "config")
