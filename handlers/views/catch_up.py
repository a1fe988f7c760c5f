"""Submission of the catch-up form: the days and start times the TL confirmed."""

from __future__ import annotations

from typing import Any

from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.services import catch_up
from bot.services.work import Caller
from bot.slack import ids
from bot.slack.view_state import STALE_FORM, ViewState
from handlers.replies import Reply, Say

FIELDS = {
    **{f"date_{n}": block for n, block in enumerate(ids.CATCHUP_DATE_BLOCKS, start=1)},
    **{f"time_{n}": block for n, block in enumerate(ids.CATCHUP_TIME_BLOCKS, start=1)},
}


def catch_up_submitted(view: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    state = ViewState(view)
    agent = state.metadata().get("agent")
    if not isinstance(agent, str) or not agent:
        raise InvalidInput(STALE_FORM)
    picked = []
    for day_block, time_block in zip(ids.CATCHUP_DATE_BLOCKS, ids.CATCHUP_TIME_BLOCKS, strict=True):
        chosen = state.element(time_block).get("selected_time")
        picked.append((state.date(day_block), chosen if isinstance(chosen, str) else ""))
    scheduled = catch_up.schedule_catch_up(ctx, caller, agent, picked)
    return Say(
        f"Scheduled {scheduled.agent_name}'s catch-up:\n" + "\n".join(f"• {line}" for line in scheduled.lines)
    )
