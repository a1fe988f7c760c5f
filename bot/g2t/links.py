"""The G2T link DM: each agent gets the class's link once, the playbook's lead time before day 1;
a cohort or agent added later gets it at once, and the TL is told it went out late.

A cohort without a training_link has its training made in GoTo Training (g2t_training): each
agent's DM then carries their personal join URL, and an agent not registered yet gets it as soon
as they are. When that is not ready at the lead time, the TL is told once what is wrong."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import outbox
from bot.core.context import AppContext
from bot.core.unit_of_work import Caller, Work, use_case
from bot.g2t import blocks as g2t_blocks
from bot.g2t import tokens as g2t_tokens
from bot.g2t import training as g2t_training
from bot.people import clock as person_clock
from db.models import Cohort


def due_at(cohort: Cohort, playbook: Playbook) -> datetime:
    first = attendance.days_of(cohort, playbook)[0]
    return first.start - timedelta(hours=playbook.timing.g2t_lead_hours)


def deliver_links(ctx: AppContext, cohort_id: int, person_ids: list[int] | None = None) -> list[str]:
    """DM the training link to the cohort's agents (or these) once each, if it is time; tells the
    TL when they went out later than the playbook's lead time. Returns the names it sent to.

    GoTo is brought in line first, with no unit of work open while it answers; the DMs are then
    written in one and sent after it commits."""
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        managed = g2t_training.managed(cohort)
        candidates = _zones_unknown(ctx, session, cohort, person_ids)
    unknown = [user for user, key in candidates if not outbox.already_sent(ctx.db, key)]
    if unknown:
        # The link is the first DM an agent gets, and its times read in their own zone: however
        # the class was made (a file, the modal, a pasted roster, /cohort add), ask Slack first.
        person_clock.learn(ctx, unknown)
    sync = g2t_training.sync_cohort(ctx, cohort_id) if managed else None
    return _send_links(ctx, Caller.system(), cohort_id, person_ids, managed, sync)


def _zones_unknown(
    ctx: AppContext, session: Session, cohort: Cohort, person_ids: list[int] | None
) -> list[tuple[str, str]]:
    """(Slack id, link DM key) of the agents about to get their link whose zone was never learned."""
    playbook, now = ctx.playbook, ctx.clock.now()
    days = attendance.days_of(cohort, playbook)
    if now < due_at(cohort, playbook) - timedelta(minutes=1) or now > days[-1].end:
        return []
    return [
        (p.slack_user_id, f"g2t:{cohort.id}:{p.id}")
        for p in cohorts.active_agents(session, cohort.id)
        if (person_ids is None or p.id in person_ids) and p.timezone is None
    ]


@use_case
def _send_links(
    work: Work,
    cohort_id: int,
    person_ids: list[int] | None,
    managed: bool,
    sync: g2t_training.SyncResult | None,
) -> list[str]:
    session, playbook, now = work.session, work.playbook, work.now
    cohort = cohorts.by_id(session, cohort_id)
    due = due_at(cohort, playbook)
    days = attendance.days_of(cohort, playbook)
    if now < due - timedelta(minutes=1) or now > days[-1].end:
        return []
    agents = [
        p for p in cohorts.active_agents(session, cohort_id) if person_ids is None or p.id in person_ids
    ]
    links = (
        g2t_training.join_urls(session, cohort_id)
        if managed
        else {p.id: cohort.training_link or "" for p in agents}
    )
    waiting = [p.name for p in agents if p.id not in links]
    tl, tl_zone = cohort.tl.slack_user_id, cohort.tl.timezone
    sent: list[tuple[int, str]] = []
    for person in agents:
        if person.id not in links:
            continue
        text, blocks = g2t_blocks.g2t_link(
            person.name, cohort.name, links[person.id], days[0], person.timezone
        )
        if work.notify(
            key=f"g2t:{cohort_id}:{person.id}",
            kind="g2t",
            recipient=person.slack_user_id,
            text=text,
            blocks=blocks,
        ):
            sent.append((person.id, person.name))
    late = now > due + timedelta(minutes=playbook.attendance.late_prompt_grace_minutes)
    if sent and late:
        text, blocks = g2t_blocks.g2t_late(cohort.name, [n for _, n in sent], days[0], tl_zone)
        key = f"g2t-late:{cohort_id}:" + ",".join(str(i) for i, _ in sent)
        work.notify(key=key, kind="g2t_late", recipient=tl, text=text, blocks=blocks)
    if managed and not g2t_training.ready(session, cohort_id):
        training = g2t_training.training_of(session, cohort_id)
        problem = _problem(work.ctx, sync, training.last_error if training else None)
        text, blocks = g2t_blocks.not_ready(cohort.name, days[0], problem, waiting, tl_zone)
        work.notify(
            key=f"g2t-not-ready:{cohort_id}", kind="g2t_not_ready", recipient=tl, text=text, blocks=blocks
        )
    return [n for _, n in sent]


def _problem(ctx: AppContext, sync: g2t_training.SyncResult | None, last_error: str | None) -> str:
    if sync is not None and not sync.connected:
        if not g2t_tokens.configured(ctx.settings):
            return "the cohort has no training link and GoTo Training is not set up for the bot"
        return (
            "the cohort has no training link and GoTo Training is not connected (`training-day g2t connect`)"
        )
    reason = (sync.error if sync else None) or last_error or "GoTo Training did not take every registration"
    return reason[0].lower() + reason[1:]
