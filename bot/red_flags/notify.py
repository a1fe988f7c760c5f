"""Red-flag messages: the DM to the PM and every ESP manager (exactly once each, through the
outbox), the new look of those DMs once the flag is resolved, the note to whoever raised it.

Everything here runs inside a use case's unit of work: messages are enqueued (`work.notify`) and
sent after it commits; the DMs to update are returned, and the listener updates them after the
commit too (handlers/replies.py EditMessage).
"""

from __future__ import annotations

from bot.config.playbook import Playbook
from bot.core.outbox import MessageEdit
from bot.core.text import INCIDENT, NOTE, shorten
from bot.core.timefmt import show_for
from bot.core.unit_of_work import Work
from bot.red_flags import blocks as flag_blocks
from bot.red_flags.types import FlagCard
from db.models import Person, RedFlag


def card_of(
    flag: RedFlag, playbook_labels: dict[str, str] | None = None, reader_tz: str | None = None
) -> FlagCard:
    """The flag as people read it; text stored before the caps existed is shown cut short.
    `reader_tz`: for a DM, the reader's zone (the class's time beside it when they differ)."""
    tz = flag.cohort.timezone
    labels = playbook_labels or {}
    return FlagCard(
        id=flag.id,
        agent_name=flag.person.name,
        agent_id=flag.person.slack_user_id,
        cohort_name=flag.cohort.name,
        raised_by=flag.raised_by.name,
        raised_at=show_for(flag.raised_at, reader_tz, tz),
        description=shorten(flag.description, INCIDENT),
        category=labels.get(flag.category or "", flag.category),
        resolved_by=flag.resolved_by.name if flag.resolved_by else None,
        resolved_at=show_for(flag.resolved_at, reader_tz, tz) if flag.resolved_at else None,
        resolution=shorten(flag.resolution, NOTE) if flag.resolution is not None else None,
    )


def card(playbook: Playbook, flag: RedFlag, reader_tz: str | None = None) -> FlagCard:
    return card_of(flag, {c.key: c.label for c in playbook.red_flags.categories}, reader_tz)


def tell_raised(work: Work, flag: RedFlag, recipients: list[Person]) -> list[str]:
    """DM the cohort's PM and every ESP manager, once per flag and person; returns who is told."""
    told = []
    for person in recipients:
        text, blocks = flag_blocks.flag_card(card(work.playbook, flag, person.timezone))
        is_pm = person.id == flag.cohort.pm_id
        key = f"redflag:{flag.id}:pm" if is_pm else f"redflag:{flag.id}:esp:{person.id}"
        work.notify(key=key, kind="redflag.raised", recipient=person.slack_user_id, text=text, blocks=blocks)
        told.append(person.name)
    return told


def tell_raiser_resolved(work: Work, flag: RedFlag) -> None:
    if flag.is_open or flag.resolved_by_id == flag.raised_by_id:
        return
    text, blocks = flag_blocks.resolved_for_raiser(card(work.playbook, flag, flag.raised_by.timezone))
    work.notify(
        key=f"redflag:{flag.id}:resolved",
        kind="redflag.resolved",
        recipient=flag.raised_by.slack_user_id,
        text=text,
        blocks=blocks,
    )


def edits(playbook: Playbook, flag: RedFlag, sent: list[tuple[str, str, str | None]]) -> list[MessageEdit]:
    """The flag's current state for every DM sent about it (`red_flags.sent_messages_to`: where,
    and the reader's timezone, so the times stay in their zone)."""
    found = []
    for channel, ts, zone in sent:
        text, blocks = flag_blocks.flag_card(card(playbook, flag, zone))
        found.append(MessageEdit(channel, ts, text, blocks))
    return found
