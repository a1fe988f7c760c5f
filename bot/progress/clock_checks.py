"""The checks the day plan runs at each break's start and each day's end of the class's business
days and after (bot/progress/ahip_clock_jobs.py): every timed rule's marks (bot/progress/timed_rules.py)
and the end of the Final CAP's catch-up. Once an agent's extra hours are spent (their sessions are
coaching's, bot/coaching/catch_up.py), an agent who has still not finished every step is flagged
to the TL and the PM once, with the playbook's next step proposed."""

from __future__ import annotations

from bot.coaching import catch_up
from bot.coaching.service import level_label
from bot.cohorts import service as cohorts
from bot.core.unit_of_work import Work, use_case
from bot.progress import blocks, timed_rules
from bot.progress import service as progress
from bot.progress.steps import done_steps
from db.models import Cohort


@use_case
def check_cohort(work: Work, cohort_id: int) -> int:
    """DM the TL about every mark passed since the last check, and the TL and the PM about every
    catch-up that ended with the agent not done. How many DMs were enqueued now."""
    cohort = cohorts.by_id(work.session, cohort_id)
    timed_rules.notify_marks(work, cohort)
    notify_catch_up_ends(work, cohort)
    return len(work.enqueued)


def notify_catch_up_ends(work: Work, cohort: Cohort) -> None:
    """Flag to the TL and the PM, once, each agent whose extra hours are spent and who is not done."""
    session, playbook = work.session, work.playbook
    policy = playbook.catch_up
    if not policy.enabled:
        return
    for agent in cohorts.active_agents(session, cohort.id):
        sessions = catch_up.sessions_of(session, agent.id, cohort.id)
        end = catch_up.end_of_extra_hours(sessions, policy.extra_hours)
        if end is None or end > work.now:
            continue
        gap = [k for k in progress.all_steps(playbook) if k not in done_steps(session, agent.id, playbook)]
        if not gap:
            continue
        label = level_label(playbook, policy.then)
        text = blocks.catch_up_end_text(
            agent.name, policy.extra_hours, progress.describe(playbook, gap), label
        )
        for role, person in (("tl", cohort.tl), ("pm", cohort.pm)):
            work.notify(
                key=f"catchup-end:{cohort.id}:{agent.id}:{role}",
                kind="catchup_end",
                recipient=person.slack_user_id,
                text=text,
                blocks=blocks.catch_up_end_blocks(
                    text, agent.slack_user_id, policy.then, label, policy.extra_hours
                ),
            )
