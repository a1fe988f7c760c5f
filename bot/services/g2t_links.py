"""The G2T link DM: each agent gets the class's link once, the playbook's lead time before day 1;
a cohort or agent added later gets it at once, and the TL is told it went out late."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.blocks import day as day_blocks
from bot.config.playbook import Playbook
from bot.context import AppContext
from bot.services import attendance, cohorts, outbox
from db.models import Cohort


def due_at(cohort: Cohort, playbook: Playbook) -> datetime:
    first = attendance.days_of(cohort, playbook)[0]
    return first.start - timedelta(hours=playbook.timing.g2t_lead_hours)


def deliver_links(ctx: AppContext, cohort_id: int, person_ids: list[int] | None = None) -> list[str]:
    """DM the training link to the cohort's agents (or these) once each, if it is time; tells the
    TL when they went out later than the playbook's lead time. Returns the names it sent to."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        due = due_at(cohort, ctx.playbook)
        days = attendance.days_of(cohort, ctx.playbook)
        if now < due - timedelta(minutes=1) or now > days[-1].end:
            return []
        agents = [
            p for p in cohorts.active_agents(session, cohort_id) if person_ids is None or p.id in person_ids
        ]
        targets = [(p.id, p.name, p.slack_user_id, p.timezone) for p in agents]
        name, link, tl, tl_zone = (
            cohort.name,
            cohort.training_link,
            cohort.tl.slack_user_id,
            cohort.tl.timezone,
        )
    sent: list[tuple[int, str]] = []
    for person_id, person_name, slack_id, zone in targets:
        text, blocks = day_blocks.g2t_link(person_name, name, link, days[0], zone)
        outcome = outbox.send_once(
            ctx.db,
            ctx.client,
            key=f"g2t:{cohort_id}:{person_id}",
            kind="g2t",
            recipient=slack_id,
            text=text,
            blocks=blocks,
            now=now,
        )
        if not outcome.duplicate:
            sent.append((person_id, person_name))
    late = now > due + timedelta(minutes=ctx.playbook.attendance.late_prompt_grace_minutes)
    if sent and late:
        text, blocks = day_blocks.g2t_late(name, [n for _, n in sent], days[0], tl_zone)
        key = f"g2t-late:{cohort_id}:" + ",".join(str(i) for i, _ in sent)
        outbox.send_once(
            ctx.db, ctx.client, key=key, kind="g2t_late", recipient=tl, text=text, blocks=blocks, now=now
        )
    return [n for _, n in sent]
