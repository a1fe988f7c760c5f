"""A class's people and their own clocks: when a class is created or imported, Slack is asked
each person's timezone (its TL, its PM and its agents), which bot/people/clock.py keeps."""

from __future__ import annotations

from bot.cohorts import service as cohorts
from bot.core.context import AppContext
from bot.people import clock as person_clock
from db.models import Person


def learn_for_cohort(ctx: AppContext, cohort_id: int) -> int:
    """Returns how many timezones changed."""
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        ids = [cohort.tl.slack_user_id, cohort.pm.slack_user_id]
        ids += [p.slack_user_id for p in cohorts.active_agents(session, cohort_id)]
    return person_clock.learn(ctx, dict.fromkeys(ids))


def learn_for_agent(ctx: AppContext, person_id: int) -> int:
    """One agent's zone, when they join a class (`/cohort add`, a transfer)."""
    with ctx.db.session() as session:
        person = session.get(Person, person_id)
        user_id = person.slack_user_id if person is not None else None
    return person_clock.learn(ctx, [user_id]) if user_id else 0
