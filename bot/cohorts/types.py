"""What the cohorts feature tells the rest of the bot: the domain events its use cases emit.

Each is handed, after the commit, to the subscribers bot/hooks.py lists (the G2T link DMs, the
calendar notice, the people's timezones): features later than cohorts react without cohorts
knowing them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CohortCreated:
    """A class was created from the /cohort new modal."""

    cohort_id: int


@dataclass(frozen=True)
class AgentEnrolled:
    """An agent was added to a class (`/cohort add`); not sent for one already in it."""

    cohort_id: int
    person_id: int


@dataclass(frozen=True)
class AgentTransferred:
    """An agent moved into this class from another (`/cohort transfer`)."""

    cohort_id: int
    person_id: int
    from_cohort_id: int
