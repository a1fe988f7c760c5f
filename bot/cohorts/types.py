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


@dataclass(frozen=True)
class RosterAdded:
    """Agents joined an existing class from a pasted or attached roster (one event for them all)."""

    cohort_id: int
    person_ids: list[int]


@dataclass(frozen=True)
class RosterLine:
    """One roster row as the preview shows it: its row number, whom it names, and what is said."""

    number: int
    who: str
    text: str


@dataclass(frozen=True)
class RosterPreview:
    """What a roster's rows would do: who is added, who is in the class already, which rows are
    wrong and why. `draft_id` is set only when there is something to add and nothing is wrong."""

    class_name: str
    channel_id: str
    new_class: bool
    source: str
    ready: list[RosterLine]
    already: list[RosterLine]
    bad: list[RosterLine]
    draft_id: int | None = None


@dataclass(frozen=True)
class RosterConfirmed:
    """A confirmed roster: the class and how many agents joined; or, when the records changed
    since the preview, the preview again with what is wrong now (nothing was written)."""

    done: bool
    cohort_id: int | None = None
    class_name: str = ""
    added: int = 0
    already: int = 0
    preview: RosterPreview | None = None
