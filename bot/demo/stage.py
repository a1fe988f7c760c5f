"""The demo's stage: the world, the cast, and a narrator that prints what reached Slack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.standin.harness import World
from bot.standin.sheets import SheetsStandIn
from bot.standin.transcript import Transcript

TL = "U0TL0001"
PM = "U0PM0001"
ESP_MANAGER = "U0ESP001"
ADMIN = "U0ADM001"
AGENTS = {"U0AG0001": "Ana Ruiz", "U0AG0002": "Ben Okafor", "U0AG0003": "Chloe Martin"}
NEW_AGENT = ("U0AG0004", "Dev Patel")
CLASS_CHANNEL = "C0CLASS01"
# The GoTo Training part: a second, one-day class whose training the bot makes.
G2T_CHANNEL = "C0CLASS02"
G2T_AGENTS = {"U0AG0005": "Eva Stone", "U0AG0006": "Finn Cole"}

CAST = {
    TL: "Tess (team lead)",
    PM: "Paolo (production manager)",
    ESP_MANAGER: "Erin (ESP manager)",
    ADMIN: "Alex (admin)",
    **AGENTS,
    NEW_AGENT[0]: NEW_AGENT[1],
    **G2T_AGENTS,
}


@dataclass
class Stage:
    world: World
    out: TextIO
    sheets: SheetsStandIn | None = None  # the team's Google Sheet, when the demo has one
    pictures_dir: Path | None = None  # where the pictures part saves the PNGs it was handed

    def __post_init__(self) -> None:
        self.transcript = Transcript(self.world.slack, self.name_of)
        self.transcript.response_owner = self.world.driver.response_owner

    def name_of(self, slack_id: str) -> str:
        if slack_id == CLASS_CHANNEL:
            return "#ahip-aetna-dec-1"
        if slack_id == G2T_CHANNEL:
            return "#ahip-aetna-dec-7"
        if slack_id.startswith("D"):
            user = "U" + slack_id[1:]
            return f"DM to {CAST.get(user, user)}"
        return CAST.get(slack_id, slack_id)

    def scene(self, title: str) -> None:
        self.out.write(f"\n== {title} ==\n")

    def says(self, who: str, what: str) -> None:
        self.out.write(f"{self.name_of(who)} types: {what}\n")

    def narrate(self, text: str) -> None:
        self.out.write(f"* {text}\n")

    def show(self) -> None:
        self.world.settle()
        for line in self.transcript.new_lines():
            self.out.write(line + "\n")
        self.out.flush()
