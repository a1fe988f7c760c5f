"""The cohort file format (and the /cohort new modal's data): validated with pydantic."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.calendar.playbook import ClosedDate, DaySchedule
from bot.config.playbook import Playbook
from bot.core.errors import InvalidInput
from bot.core.identity_fields import n_number_problem, normalize_n_number, npn_problem
from bot.core.text import NAME, shorten
from bot.core.zones import known_zone

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
SLACK_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AgentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slack_id: str
    name: str = Field(min_length=1, max_length=200)
    n_number: str
    npn: str
    # For the GoTo Training registration; without it the bot asks Slack's profile.
    email: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not EMAIL.match(value):
            raise ValueError("must be an email address like ana.ruiz@example.com")
        return value.lower()

    @field_validator("slack_id")
    @classmethod
    def _user_id(cls, value: str) -> str:
        return _slack_user_id(value)

    @field_validator("npn", "n_number", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        # YAML reads an unquoted 19283746 as an int; the NPN is an identifier, not a number.
        return str(value).strip() if isinstance(value, int) and not isinstance(value, bool) else value


class CohortSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=NAME)
    channel: str
    timezone: str
    start_date: date
    days: int = Field(default=3, ge=1, le=10)
    # None: the bot makes the training in GoTo Training when it is connected.
    training_link: str | None = None
    team_lead: str
    production_manager: str
    schedule: DaySchedule | None = None
    agents: list[AgentSpec] = Field(default_factory=list)
    # Dates this class does not meet besides the playbook's calendar (a site closure, say).
    skip_dates: list[ClosedDate] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        # The name goes into channel posts, DMs and the Home tab: markup in it (`<!channel>`, a
        # mention, a link) would ping or mislead there, so it is refused here, where every name
        # comes in, rather than escaped in each place it is shown.
        value = value.strip()
        if "<" in value or ">" in value:
            raise ValueError("may not contain < or > (no mentions or links in a cohort name)")
        return value

    @field_validator("channel")
    @classmethod
    def _channel_id(cls, value: str) -> str:
        value = value.strip()
        if not SLACK_CHANNEL_ID.match(value):
            raise ValueError(
                "must be a Slack channel ID like C0CLASS01 (channel details > About, at the bottom)"
            )
        return value

    @field_validator("team_lead", "production_manager")
    @classmethod
    def _user_id(cls, value: str) -> str:
        return _slack_user_id(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if known_zone(value) is None:
            raise ValueError(
                f"unknown timezone {shorten(value, 40)!r}; use an IANA name like America/Chicago"
            )
        return value

    @field_validator("training_link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not re.match(r"^https://\S+$", value):
            raise ValueError("must be the https:// GoTo Training join link")
        return value

    @model_validator(mode="after")
    def _no_duplicate_agents(self) -> CohortSpec:
        seen: dict[str, str] = {}
        for agent in self.agents:
            if agent.slack_id in seen:
                raise ValueError(f"agent {agent.slack_id} ({agent.name}) is listed twice")
            seen[agent.slack_id] = agent.name
        return self


def _slack_user_id(value: str) -> str:
    value = value.strip()
    match = re.fullmatch(r"<@([A-Z0-9]+)(\|[^>]*)?>", value)
    if match:
        value = match.group(1)
    if not SLACK_USER_ID.match(value):
        raise ValueError("must be a Slack user ID like U0AG0001 (profile > ... > Copy member ID)")
    return value


def check_against_playbook(spec: CohortSpec, playbook: Playbook) -> CohortSpec:
    """The ID formats live in the playbook, so they are checked here rather than in the model."""
    problems = []
    n_numbers: dict[str, str] = {}
    for index, agent in enumerate(spec.agents):
        where = f"agents[{index}] ({agent.name})"
        problem = n_number_problem(playbook, agent.n_number)
        if problem:
            problems.append(f"{where}.n_number: {problem}")
        else:
            agent.n_number = normalize_n_number(agent.n_number)
            if agent.n_number in n_numbers:
                problems.append(
                    f"{where}.n_number: {agent.n_number} is also given to {n_numbers[agent.n_number]}"
                )
            n_numbers[agent.n_number] = agent.name
        problem = npn_problem(playbook, agent.npn)
        if problem:
            problems.append(f"{where}.npn: {problem}")
    if problems:
        raise InvalidInput("; ".join(problems))
    return spec


def parse_cohort(raw: Any, playbook: Playbook, source: str = "cohort file") -> CohortSpec:
    if not isinstance(raw, dict):
        raise InvalidInput(f"{source}: expected a mapping with name, channel, timezone, ... at the top level")
    try:
        spec = CohortSpec.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(f"{source}: {_describe(exc, raw)}") from exc
    try:
        return check_against_playbook(spec, playbook)
    except InvalidInput as exc:
        raise InvalidInput(f"{source}: {exc.message}") from exc


def load_cohort_file(path: Path, playbook: Playbook) -> CohortSpec:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: not valid YAML ({exc})") from exc
    return parse_cohort(raw, playbook, source=str(path))


def _describe(exc: ValidationError, raw: dict[str, Any]) -> str:
    """Name the field, and for an agent row, the agent, so the author can find the line."""
    parts = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        if len(loc) >= 2 and loc[0] == "agents" and isinstance(loc[1], int):
            agents = raw.get("agents") or []
            row = agents[loc[1]] if loc[1] < len(agents) and isinstance(agents[loc[1]], dict) else {}
            who = row.get("name") or row.get("slack_id") or "unnamed"
            rest = ".".join(str(p) for p in loc[2:])
            where = f"agents[{loc[1]}] ({who})" + (f".{rest}" if rest else "")
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)
