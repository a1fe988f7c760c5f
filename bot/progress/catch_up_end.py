"""The end of the Final CAP's catch-up: once an agent's extra hours are spent (their sessions are
coaching's, bot/coaching/catch_up.py), an agent who has still not finished every step is flagged
to the TL and the PM once, with the playbook's next step proposed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.coaching import catch_up
from bot.coaching.service import level_label
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import outbox
from bot.progress import blocks
from bot.progress import service as progress
from bot.progress.steps import done_steps
from db.models import Cohort


def enqueue_ends(session: Session, cohort: Cohort, playbook: Playbook, now: datetime) -> list[str]:
    """Flag to the TL and the PM, once, each agent whose extra hours are spent and who is not done."""
    policy = playbook.catch_up
    if not policy.enabled:
        return []
    keys = []
    for agent in cohorts.active_agents(session, cohort.id):
        end = catch_up.end_of_extra_hours(
            catch_up.sessions_of(session, agent.id, cohort.id), policy.extra_hours
        )
        if end is None or end > now:
            continue
        gap = [k for k in progress.all_steps(playbook) if k not in done_steps(session, agent.id, playbook)]
        if not gap:
            continue
        label = level_label(playbook, policy.then)
        text = blocks.catch_up_end_text(
            agent.name, policy.extra_hours, progress.describe(playbook, gap), label
        )
        for role, person in (("tl", cohort.tl), ("pm", cohort.pm)):
            key = f"catchup-end:{cohort.id}:{agent.id}:{role}"
            if outbox.enqueue(
                session,
                key=key,
                kind="catchup_end",
                recipient=person.slack_user_id,
                text=text,
                blocks=blocks.catch_up_end_blocks(
                    text, agent.slack_user_id, policy.then, label, policy.extra_hours
                ),
                now=now,
            ):
                keys.append(key)
    return keys
