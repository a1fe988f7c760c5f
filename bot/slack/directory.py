"""People's names from Slack's directory (users.info), for records that only carry a user ID."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

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


SLACKBOT = "USLACKBOT"


@dataclass(frozen=True)
class Member:
    """What Slack's directory says about a user: enough to tell a real, active person."""

    user_id: str
    name: str
    deleted: bool
    human: bool  # not a bot, an app user or Slackbot


def member(client: WebClient, user_id: str) -> Member | None:
    """The user as Slack's directory has them; None when Slack does not know the ID. Any other
    failure (no token, no network, rate limits past the retries) is raised to the caller."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        if exc.response.get("error") in ("user_not_found", "users_not_found"):
            return None
        raise
    if not isinstance(user, dict):
        return None
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
    human = not (user.get("is_bot") or user.get("is_app_user") or user_id == SLACKBOT)
    return Member(user_id=user_id, name=str(name), deleted=bool(user.get("deleted")), human=human)
