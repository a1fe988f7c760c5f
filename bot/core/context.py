"""What every listener and job needs, built once by the composition root (bot/bootstrap.py)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.core.clock import Clock
from db.session import Database


@dataclass
class AppContext:
    settings: Settings
    playbook: Playbook
    db: Database
    clock: Clock
    client: WebClient
