"""Every after-commit hook, in one place: what one feature's committed change sets off in others.

A use case emits a domain event (the feature's own types); once its unit of work commits, the
kernel calls the subscribers listed here in this order, outside any transaction
(bot/core/after_commit.py). This module may import any feature; bot/bootstrap.py installs it."""

from __future__ import annotations

from bot.certs import outcome as exam_outcome
from bot.coaching.types import CoachingRecorded
from bot.cohorts import calendar_notice
from bot.cohorts import clocks as class_clocks
from bot.cohorts.types import AgentEnrolled, AgentTransferred, CohortCreated, RosterAdded
from bot.core.after_commit import Hooks
from bot.core.context import AppContext
from bot.core.unit_of_work import Caller
from bot.esp_tracker.types import ItemsCompleted
from bot.g2t import links as g2t_links


def install(hooks: Hooks[AppContext]) -> None:
    # A new class: its people's timezones first (the DMs that follow read them), then the TL hears
    # the dates it skips and its real last day, then the agents get their G2T links if they are due.
    hooks.subscribe(CohortCreated, learn_timezones)
    hooks.subscribe(CohortCreated, tell_team_lead_the_calendar)
    hooks.subscribe(CohortCreated, send_g2t_links)
    # An agent joins a class, new or moved from another: their timezone, then their G2T link if due.
    hooks.subscribe(AgentEnrolled, learn_agent_timezone)
    hooks.subscribe(AgentTransferred, learn_agent_timezone)
    hooks.subscribe(AgentEnrolled, send_g2t_link)
    hooks.subscribe(AgentTransferred, send_g2t_link)
    # A roster pasted into an existing class: the newcomers' timezones, then their G2T links.
    hooks.subscribe(RosterAdded, learn_roster_timezones)
    hooks.subscribe(RosterAdded, send_roster_links)
    # A coaching documented from a failed exam, or the exam passed: its notice shows it, in place.
    hooks.subscribe(CoachingRecorded, show_exam_coaching)
    hooks.subscribe(ItemsCompleted, show_exam_passed)


def learn_timezones(ctx: AppContext, event: CohortCreated) -> None:
    class_clocks.learn_for_cohort(ctx, event.cohort_id)


def tell_team_lead_the_calendar(ctx: AppContext, event: CohortCreated) -> None:
    calendar_notice.tell_team_lead(ctx, event.cohort_id)


def send_g2t_links(ctx: AppContext, event: CohortCreated) -> None:
    g2t_links.deliver_links(ctx, event.cohort_id)


def learn_agent_timezone(ctx: AppContext, event: AgentEnrolled | AgentTransferred) -> None:
    class_clocks.learn_for_agent(ctx, event.person_id)


def send_g2t_link(ctx: AppContext, event: AgentEnrolled | AgentTransferred) -> None:
    g2t_links.deliver_links(ctx, event.cohort_id, [event.person_id])


def learn_roster_timezones(ctx: AppContext, event: RosterAdded) -> None:
    class_clocks.learn_for_cohort(ctx, event.cohort_id)


def send_roster_links(ctx: AppContext, event: RosterAdded) -> None:
    g2t_links.deliver_links(ctx, event.cohort_id, event.person_ids)


ATTEMPT_REF = "attempt:"


def show_exam_coaching(ctx: AppContext, event: CoachingRecorded) -> None:
    ids = [ref[len(ATTEMPT_REF) :] for ref in event.links if ref.startswith(ATTEMPT_REF)]
    attempts = [int(i) for i in ids if i.isdigit()]
    if attempts:
        exam_outcome.show_outcomes(ctx, Caller.system(), attempts)


def show_exam_passed(ctx: AppContext, event: ItemsCompleted) -> None:
    exam_outcome.show_tracker_outcomes(ctx, Caller.system(), event.person_id, event.items)
