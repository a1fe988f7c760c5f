"""/failcert: record a failed carrier certification attempt, typed or with the form."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import NOTE, require_length
from bot.services import certs
from bot.services.work import Caller
from bot.slack.parsing import user_mention, words
from handlers.replies import OpenModal, Reply, Say


def failcert_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if not args:
        return OpenModal(blocks.failcert_modal(certs.failure_form(ctx, caller)))
    if len(args) < 2:
        raise InvalidInput(f"I need the agent and the carrier. {blocks.FAILCERT_USAGE}")
    agent_id, _ = user_mention(args[0], blocks.FAILCERT_USAGE)
    rest = args[2:]
    override = any(w.lower() == "override" for w in rest)
    rest = [w for w in rest if w.lower() != "override"]
    score = None
    if rest and certs.looks_like_a_score(rest[0]):
        score, rest = certs.parse_score(ctx.playbook, rest[0]), rest[1:]
    note = require_length(" ".join(rest), NOTE, "The note")
    data = certs.FailureInput(
        agent_user_id=agent_id, carrier=args[1], score=score, note=note, override=override
    )
    result = certs.fail_exam(ctx, caller, data)
    text = certs.failure_text(result)
    return Say(text, blocks.failure_answer(result, text))
