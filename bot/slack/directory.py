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
    email: str | None = None  # the profile's, when the app may read it (users:read.email)


def member(client: WebClient, user_id: str) -> Member | None:
    """The user as Slack's directory has them; None when Slack does not know the ID. Any other
    failure (no token, no network, rate limits past the retries) is raised to the caller."""
    try:
        user = client.users_info(user=user_id)["user"]
    except SlackApiError as exc:
        if exc.response.get("error") in ("user_not_found", "users_not_found"):
            return None
        raise
    return _member(user, user_id)


def member_by_email(client: WebClient, email: str) -> Member | None:
    """The member whose profile has this email (users.lookupByEmail); None when nobody has it.
    Other failures are raised, as for `member`."""
    try:
        user = client.users_lookupByEmail(email=email)["user"]
    except SlackApiError as exc:
        if exc.response.get("error") in ("users_not_found", "user_not_found"):
            return None
        raise
    return _member(user, str(user.get("id") or "") if isinstance(user, dict) else "")


def _member(user: object, user_id: str) -> Member | None:
    if not isinstance(user, dict) or not user_id:
        return None
    profile = user.get("profile") or {}
    name = profile.get("real_name") or user.get("real_name") or user.get("name") or user_id
    human = not (user.get("is_bot") or user.get("is_app_user") or user_id == SLACKBOT)
    email = profile.get("email")
    return Member(
        user_id=user_id,
        name=str(name),
        deleted=bool(user.get("deleted")),
        human=human,
        email=str(email).strip().lower() if isinstance(email, str) and email.strip() else None,
    )
