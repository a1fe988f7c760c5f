"""The three-day timeframe in the day plan: who is behind pace at the end of each day (a section
of the TL's end-of-day DM), and, after the window, a flag to the TL and the PM for each agent who
has not finished, with a Final CAP proposed unless the TL excused the delay."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.cohorts import service as cohorts
from bot.core import job_context as runtime
from bot.core import outbox
from bot.progress import blocks
from bot.progress import service as progress
from scheduler.daily_job import DailyJob

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.context import AppContext


TIMEFRAME_CHECK = DailyJob(
    name="timeframe-check",
    func="bot.progress.timeframe_jobs:timeframe_check",
    anchor="day_end",
    offset_minutes=30,
)


def behind_pace(session: Session, ctx: AppContext, cohort_id: int, day: int) -> list[dict[str, Any]]:
    cohort = cohorts.by_id(session, cohort_id)
    rows = [
        (agent.name, progress.describe(ctx.playbook, gap))
        for agent, gap in progress.behind_pace(session, cohort, ctx.playbook, day)
    ]
    return blocks.behind_pace_section(day, rows)


def timeframe_check(cohort_id: int, day: int) -> int:
    """On the day the window closes: flag every unfinished agent to the TL and the PM, once each.

    Returns how many agents were flagged (0 on other days)."""
    ctx = runtime.current()
    now = ctx.clock.now()
    messages: list[tuple[str, str, str, list[dict[str, Any]] | None]] = []  # key, recipient, text, blocks
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        if day != progress.check_day(cohort, ctx.playbook):
            return 0
        flags = progress.flag_unfinished(session, cohort, ctx.playbook, now)
        for flag in flags:
            agent = next(a for a in cohorts.active_agents(session, cohort.id) if a.id == flag.person_id)
            text = blocks.window_flag(agent.name, cohort.name, flag.missing or "", flag.excuse, propose=True)
            # The Final CAP's catch-up: the TL's copy has the button to schedule it.
            catch_up = ctx.playbook.catch_up
            line = (
                blocks.final_cap_line(catch_up.extra_hours, catch_up.sessions, catch_up.session_hours)
                if catch_up.enabled and not flag.excuse
                else None
            )
            full = f"{text}\n{line}" if line else text
            tl_blocks = (
                blocks.window_flag_blocks(full, agent.slack_user_id, catch_up.sessions) if line else None
            )
            for role, person in (("tl", cohort.tl), ("pm", cohort.pm)):
                key = f"timeframe:{cohort.id}:{agent.id}:{role}"
                messages.append((key, person.slack_user_id, full, tl_blocks if role == "tl" else None))
    for key, recipient, text, flag_blocks in messages:
        outbox.send_once(
            ctx.db,
            ctx.client,
            key=key,
            kind="timeframe_flag",
            recipient=recipient,
            text=text,
            now=now,
            blocks=flag_blocks,
        )
    return len(messages) // 2
