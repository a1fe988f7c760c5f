"""What every listener and job needs, built once by the composition root (app.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.hooks import Hooks
from bot.playbook import Playbook
from bot.settings import Settings
from db.session import Database


@dataclass
class AppContext:
    settings: Settings
    playbook: Playbook
    db: Database
    clock: Clock
    client: WebClient
    hooks: Hooks = field(default_factory=Hooks)
