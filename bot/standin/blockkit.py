"""Slack's structural limits on Block Kit, so the stand-in refuses what Slack would refuse
(`invalid_blocks` for messages, `invalid_arguments` for views) instead of accepting anything.

Not a full schema: the limits that bite in practice (counts, lengths, required fields)."""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100


def _text_len(obj: Any) -> int:
    return len(obj.get("text", "")) if isinstance(obj, dict) else 0


def _text_problem(where: str, obj: Any, limit: int, *, required: bool = True) -> str | None:
    if obj is None:
        return f"{where}: missing text" if required else None
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return f"{where}: not a text object"
    length = _text_len(obj)
    if required and length == 0:
        return f"{where}: empty text"
    if length > limit:
        return f"{where}: text of {length} characters (limit {limit})"
    return None


def _element_problems(where: str, element: dict[str, Any]) -> list[str]:
    problems = []
    kind = element.get("type")
    if len(str(element.get("action_id", ""))) > 255:
        problems.append(f"{where}: action_id longer than 255")
    if kind == "button":
        for p in (_text_problem(f"{where}.text", element.get("text"), 75),):
            if p:
                problems.append(p)
        if len(str(element.get("value", ""))) > 2000:
            problems.append(f"{where}: button value longer than 2000")
        if "accessibility_label" in element and not 1 <= len(str(element["accessibility_label"])) <= 75:
            problems.append(f"{where}: accessibility_label of 1 to 75 characters")
        if "url" in element and not 1 <= len(str(element["url"])) <= 3000:
            problems.append(f"{where}: url of 1 to 3000 characters")
    if kind == "plain_text_input":
        max_length = element.get("max_length")
        if max_length is not None and not (isinstance(max_length, int) and 1 <= max_length <= 3000):
            problems.append(f"{where}: plain_text_input max_length {max_length!r} (1 to 3000)")
    if kind == "file_input":
        max_files = element.get("max_files", 10)
        if not isinstance(max_files, int) or not 1 <= max_files <= 10:
            problems.append(f"{where}: file_input max_files {max_files!r} (1 to 10)")
    if kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes"):
        options = element.get("options") or []
        if not options or len(options) > 100:
            problems.append(f"{where}: {len(options)} options (1 to 100)")
        for i, option in enumerate(options):
            limit = 2000 if kind in ("radio_buttons", "checkboxes") else 75
            p = _text_problem(f"{where}.options[{i}]", option.get("text"), limit)
            if p:
                problems.append(p)
            if len(str(option.get("value", ""))) > 150:
                problems.append(f"{where}.options[{i}]: value longer than 150")
    return problems


def block_problems(blocks: Any, *, limit: int) -> list[str]:
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["blocks: not a list"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks (limit {limit})")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"blocks[{index}]"
        kind = block.get("type")
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > 255:
                problems.append(f"{where}: block_id longer than 255")
            if block_id in seen_ids:
                problems.append(f"{where}: duplicate block_id {block_id!r}")
            seen_ids.add(block_id)
        if kind == "section":
            fields = block.get("fields") or []
            if block.get("text") is None and not fields:
                problems.append(f"{where}: section without text or fields")
            if block.get("text") is not None:
                p = _text_problem(f"{where}.text", block.get("text"), 3000)
                if p:
                    problems.append(p)
            if len(fields) > 10:
                problems.append(f"{where}: {len(fields)} fields (limit 10)")
            for i, field in enumerate(fields):
                p = _text_problem(f"{where}.fields[{i}]", field, 2000)
                if p:
                    problems.append(p)
            if block.get("accessory"):
                problems.extend(_element_problems(f"{where}.accessory", block["accessory"]))
        elif kind == "header":
            p = _text_problem(f"{where}.text", block.get("text"), 150)
            if p:
                problems.append(p)
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements or len(elements) > 10:
                problems.append(f"{where}: {len(elements)} context elements (1 to 10)")
            for i, element in enumerate(elements):
                if element.get("type") in ("plain_text", "mrkdwn"):
                    p = _text_problem(f"{where}.elements[{i}]", element, 3000)
                    if p:
                        problems.append(p)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements or len(elements) > 25:
                problems.append(f"{where}: {len(elements)} action elements (1 to 25)")
            action_ids = [e.get("action_id") for e in elements if e.get("action_id")]
            if len(action_ids) != len(set(action_ids)):
                problems.append(f"{where}: duplicate action_id in one actions block")
            for i, element in enumerate(elements):
                problems.extend(_element_problems(f"{where}.elements[{i}]", element))
        elif kind == "input":
            p = _text_problem(f"{where}.label", block.get("label"), 2000)
            if p:
                problems.append(p)
            if not isinstance(block.get("element"), dict):
                problems.append(f"{where}: input without an element")
            else:
                problems.extend(_element_problems(f"{where}.element", block["element"]))
        elif kind == "image":
            alt = block.get("alt_text")
            if not isinstance(alt, str) or not alt or len(alt) > 2000:
                problems.append(f"{where}: image needs alt_text of 1 to 2000 characters")
            source = block.get("image_url") or block.get("slack_file")
            if not source:
                problems.append(f"{where}: image needs image_url or slack_file")
            elif isinstance(source, dict) and not (source.get("id") or source.get("url")):
                problems.append(f"{where}: slack_file needs an id or a url")
            if block.get("title") is not None:
                p = _text_problem(f"{where}.title", block.get("title"), 2000)
                if p:
                    problems.append(p)
        elif kind not in ("divider", "rich_text", "file", "video"):
            problems.append(f"{where}: unknown block type {kind!r}")
    return problems


def view_problems(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view: not an object"]
    problems = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append(f"view: type {kind!r}")
    if kind == "modal":
        for key, required in (("title", True), ("submit", False), ("close", False)):
            p = _text_problem(f"view.{key}", view.get(key), 24, required=required)
            if p:
                problems.append(p)
        has_input = any(b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and view.get("submit") is None:
            problems.append("view: a modal with inputs needs a submit button")
    if len(str(view.get("private_metadata", ""))) > 3000:
        problems.append("view: private_metadata longer than 3000")
    if len(str(view.get("external_id", ""))) > 255:
        problems.append("view: external_id longer than 255")
    if len(str(view.get("callback_id", ""))) > 255:
        problems.append("view: callback_id longer than 255")
    problems.extend(block_problems(view.get("blocks"), limit=VIEW_BLOCKS))
    return problems


def message_problems(args: dict[str, Any]) -> list[str]:
    problems = block_problems(args.get("blocks"), limit=MESSAGE_BLOCKS)
    if not args.get("text") and not args.get("blocks"):
        problems.append("message: no text and no blocks")
    if len(str(args.get("text") or "")) > 40000:
        problems.append("message: text longer than 40000")
    return problems
