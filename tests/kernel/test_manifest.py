"""manifest.yml and the code must agree: a command or event one has and the other lacks fails."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.slack import ids
from tests.helpers import TL

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_commands_match_the_code():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == set(ids.COMMANDS)


def test_every_command_escapes_mentions():
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["should_escape"] is True, command["command"]


def test_events_match_the_code():
    declared = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert declared == set(ids.EVENTS)


def test_socket_mode_and_interactivity_are_on():
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True


def test_listeners_register_only_names_from_ids():
    """A literal in app.command("/x") or app.event("x") would bypass the two checks above."""
    pattern = re.compile(r"@app\.(command|event|action|view)\(\s*[\"']")
    offenders = [str(p) for p in (ROOT / "handlers").rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_every_manifest_command_is_handled(world):
    """Bolt answers 404 to a command nobody listens to; each declared command must get 200."""
    for command in ids.COMMANDS:
        reply = world.driver.command(command, "", user=TL)
        assert reply.status == 200, command


def test_every_manifest_event_is_handled(world):
    for name in ids.EVENTS:
        # message.im arrives as a "message" in an "im" channel.
        kind, _, channel_type = name.partition(".")
        reply = world.driver.event(
            {
                "type": kind,
                "channel_type": channel_type or None,
                "user": TL,
                "channel": "C0NOWHERE",
                "tab": "home",
                "reaction": "x",
                "item": {"type": "message", "channel": "C0NOWHERE", "ts": "1.0"},
                "event_ts": "1.0",
            }
        )
        assert reply.status == 200, name
