"""People's names from Slack's directory (users.info), for records that only carry a user ID."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)


def display_name(client: WebClient, user_id: str, fallback: str | None = None) -> str | None:
    """The person's real name, or `fallback` when Slack cannot say (no token, no network, no user)."""
    try:
        user = client.users_info(user=user_id)["user"]
    except (SlackApiError, SlackClientError, OSError) as exc:
        log.info("no name from Slack for %s: %s", user_id, exc)
        return fallback
    profile = user.get("profile") or {}
    return profile.get("real_name") or user.get("real_name") or user.get("name") or fallback


def display_names(client: WebClient, user_ids: Iterable[str]) -> dict[str, str]:
    names = {}
    for user_id in user_ids:
        name = display_name(client, user_id)
        if name:
            names[user_id] = name
    return names
