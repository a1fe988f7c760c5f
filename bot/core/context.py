"""What every listener and job needs, built once by the composition root (bot/bootstrap.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.core.after_commit import Hooks
from bot.core.clock import Clock
from db.session import Database


@dataclass
class AppContext:
    settings: Settings
    playbook: Playbook
    db: Database
    clock: Clock
    client: WebClient
    # What a use case's commit sets off in other features; bot/hooks.py lists them.
    hooks: Hooks[AppContext] = field(default_factory=Hooks)
