"""Submission of the Resolve modal: records who resolved the red flag and why, once.

The write happens before the ack so that a flag someone else resolved a moment earlier replaces
the modal with who resolved it and why; the DM updates go after it.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App

from bot.blocks import red_flags as flag_blocks
from bot.context import AppContext
from bot.core.errors import DomainError
from bot.core.timefmt import show
from bot.services import red_flag_notify, red_flags
from bot.slack import ids
from handlers.errors import listener


def register(app: App, ctx: AppContext) -> None:
    @app.view(ids.VIEW_REDFLAG_RESOLVE)
    @listener
    def handle(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        caller = body["user"]["id"]
        flag_id = int(json.loads(view.get("private_metadata") or "{}").get("flag_id", 0))
        state = view.get("state", {}).get("values", {}).get(ids.REDFLAG_RESOLUTION_BLOCK) or {}
        resolution = str((state.get(ids.FIELD_INPUT) or {}).get("value") or "").strip()
        if len(resolution) < 3:
            ack(response_action="errors", errors={ids.REDFLAG_RESOLUTION_BLOCK: "Say how it was resolved."})
            return
        try:
            with ctx.db.session() as session:
                flag = red_flags.get(session, flag_id)
                resolver = red_flags.require_resolver(session, caller, flag)
                flag, changed = red_flags.resolve(
                    session, flag_id, by=resolver, resolution=resolution, now=ctx.clock.now()
                )
                message = (
                    None
                    if changed
                    else red_flags.resolved_message(
                        flag, show(flag.resolved_at, flag.cohort.timezone) if flag.resolved_at else ""
                    )
                )
        except DomainError as exc:
            ack(response_action="errors", errors={ids.REDFLAG_RESOLUTION_BLOCK: exc.message[:150]})
            return
        if message:
            ack(response_action="update", view=flag_blocks.already_resolved_modal(message))
            return
        ack()
        red_flag_notify.refresh(ctx, flag_id)
        red_flag_notify.tell_raiser_resolved(ctx, flag_id)
