"""A class's people and their own clocks: when a class is created or imported, Slack is asked
each person's timezone (its TL, its PM and its agents), which bot/people/clock.py keeps."""

from __future__ import annotations

from bot.cohorts import service as cohorts
from bot.core.context import AppContext
from bot.people import clock as person_clock


def learn_for_cohort(ctx: AppContext, cohort_id: int) -> int:
    """Returns how many timezones changed."""
    with ctx.db.session() as session:
        cohort = cohorts.by_id(session, cohort_id)
        ids = [cohort.tl.slack_user_id, cohort.pm.slack_user_id]
        ids += [p.slack_user_id for p in cohorts.active_agents(session, cohort_id)]
    return person_clock.learn(ctx, dict.fromkeys(ids))
