"""Failed exams: `/failcert` typed or as a modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.certs import blocks, recording
from bot.certs import service as certs
from bot.core.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import NOTE, require_length
from bot.core.unit_of_work import Caller
from bot.slack import ids
from bot.slack.parsing import user_mention, words
from bot.slack.view_state import ViewState
from handlers.listener import command, view
from handlers.replies import OpenModal, Reply, Say


# -- commands: failcert -------------------------------------------------------------------------
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
    result = recording.fail_exam(ctx, caller, data)
    text = certs.failure_text(result)
    return Say(text, blocks.failure_answer(result, text))


# -- views: failcert_form -----------------------------------------------------------------------
FAILCERT_FORM_FIELDS = {
    "agent": ids.FAILCERT_AGENT_BLOCK,
    "carrier": ids.FAILCERT_CARRIER_BLOCK,
    "score": ids.FAILCERT_SCORE_BLOCK,
    "note": ids.FAILCERT_NOTE_BLOCK,
}


def failcert_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    data = certs.FailureInput(
        agent_user_id=state.user(ids.FAILCERT_AGENT_BLOCK),
        carrier=state.option(ids.FAILCERT_CARRIER_BLOCK),
        score=certs.parse_score(ctx.playbook, state.text(ids.FAILCERT_SCORE_BLOCK)),
        note=require_length(state.text(ids.FAILCERT_NOTE_BLOCK), NOTE, "The note", field="note"),
    )
    result = recording.fail_exam(ctx, caller, data)
    text = certs.failure_text(result)
    return Say(text, blocks.failure_answer(result, text))


def register(app: App, ctx: AppContext) -> None:
    app.command(ids.FAILCERT)(command(ctx, failcert_command))
    app.view(ids.VIEW_FAILCERT)(
        view(ctx, failcert_submitted, fields=FAILCERT_FORM_FIELDS, error_field=ids.FAILCERT_AGENT_BLOCK)
    )
