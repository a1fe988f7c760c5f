"""Submission of the /failcert form."""

from __future__ import annotations

from typing import Any

from bot.blocks import accountability as blocks
from bot.context import AppContext
from bot.core.text import NOTE, require_length
from bot.services import certs
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import ViewState
from handlers.replies import Reply, Say

FIELDS = {
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
    result = certs.fail_exam(ctx, caller, data)
    text = certs.failure_text(result)
    return Say(text, blocks.failure_answer(result, text))
