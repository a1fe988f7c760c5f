"""Turns what reached the stand-in into what each person would see in Slack, as text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.standin.server import Call, ResponseUrlPost, SlackStandIn

SHOWN_METHODS = {
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "views.open",
    "views.publish",
    "pins.add",
    "views.update",
    "views.push",
}


def flatten_blocks(blocks: list[dict[str, Any]] | None) -> list[str]:
    lines: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind in ("section", "header"):
            text = (block.get("text") or {}).get("text")
            if text:
                lines.extend(text.splitlines())
            for field in block.get("fields") or []:
                lines.append(field.get("text", ""))
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append(f"[{accessory['text']['text']}]")
        elif kind == "context":
            lines.append(
                " ".join(e.get("text", "") for e in block.get("elements", []) if isinstance(e, dict))
            )
        elif kind == "actions":
            labels = [_button_label(e) for e in block.get("elements", []) if e.get("type") == "button"]
            if labels:
                lines.append(" ".join(labels))
        elif kind == "input":
            lines.append(f"<{(block.get('label') or {}).get('text', '')}>")
        elif kind == "divider":
            lines.append("---")
    return lines


def _button_label(element: dict[str, Any]) -> str:
    """A button as a reader meets it; one that opens a page shows where it goes."""
    url = element.get("url")
    return f"[{element['text']['text']} ↗ {url}]" if url else f"[{element['text']['text']}]"


class Transcript:
    """Reads new calls since the last read; `name_of` maps a user or channel ID to a readable name."""

    def __init__(self, standin: SlackStandIn, name_of: Callable[[str], str]) -> None:
        self.standin = standin
        self.name_of = name_of
        self._calls_seen = 0
        self._responses_seen = 0
        self.response_owner: dict[str, str] = {}

    def new_lines(self) -> list[str]:
        calls = self.standin.calls()
        responses = self.standin.responses()
        lines: list[str] = []
        for call in calls[self._calls_seen :]:
            lines.extend(self._describe_call(call))
        for post in responses[self._responses_seen :]:
            lines.extend(self._describe_response(post))
        self._calls_seen, self._responses_seen = len(calls), len(responses)
        return [humanize(line, self.name_of) for line in lines]

    def _describe_call(self, call: Call) -> list[str]:
        if call.method not in SHOWN_METHODS:
            return []
        args = call.args
        if not call.response.get("ok"):
            return [f"  (Slack refused {call.method}: {call.response.get('error')} - the bot will retry)"]
        if call.method == "pins.add":
            return [f"  {self.name_of(str(args.get('channel')))}: the bot pinned that message"]
        if call.method in ("views.open", "views.push", "views.update"):
            view = args.get("view") or {}
            title = (view.get("title") or {}).get("text", "")
            return _box(f"form '{title}' opens", flatten_blocks(view.get("blocks")))
        if call.method == "views.publish":
            view = args.get("view") or {}
            return _box(
                f"App Home of {self.name_of(str(args.get('user_id')))}", flatten_blocks(view.get("blocks"))
            )
        if call.method == "chat.postEphemeral":
            where = (
                f"{self.name_of(str(args.get('channel')))}, only {self.name_of(str(args.get('user')))} sees"
            )
        else:
            channel = str(call.response.get("channel") or args.get("channel"))
            where = self.name_of(channel)
            if call.method == "chat.update":
                where += " (message updated)"
        body = flatten_blocks(args.get("blocks")) or str(args.get("text", "")).splitlines()
        return _box(where, body)

    def _describe_response(self, post: ResponseUrlPost) -> list[str]:
        owner = self.response_owner.get(post.token, "someone")
        body = flatten_blocks(post.payload.get("blocks")) or str(post.payload.get("text", "")).splitlines()
        return _box(f"only {self.name_of(owner)} sees", body)


def _box(where: str, body: list[str]) -> list[str]:
    return [f"  [{where}]"] + [f"    {line}" for line in body if line.strip()]


MENTION = re.compile(r"<([@#])([UWC][A-Z0-9]+)(?:\|([^>]*))?>")
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


def humanize(line: str, name_of: Callable[[str], str]) -> str:
    """Slack's markup as a person sees it: <@U1> as @Name, <#C1> as #channel, <url|title> as title."""

    def mention(match: re.Match[str]) -> str:
        sigil, target = match.group(1), match.group(2)
        name = name_of(target)
        return name if sigil == "#" and name.startswith("#") else f"{sigil}{name}"

    return LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", MENTION.sub(mention, line))
