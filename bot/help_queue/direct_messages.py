"""The Messages tab, answered: what someone types to the bot in its DM. An agent in an active class
joins their class's help queue with what they wrote (their TL gets the card with the Claim
button); anyone else is told where to go instead. Each message once: the event's id is claimed in
the same transaction as the request it writes, so Slack's retries add nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cohorts import service as cohorts
from bot.core import event_dedup as events
from bot.core import people
from bot.core.text import NOTE, shorten
from bot.core.unit_of_work import Work, use_case
from bot.help_queue import service as help_queue
from db.models import Role

STAFF_HELP = (
    "I don't take requests by message. Your Home tab (above) shows your classes; `/cohort`, "
    "`/attendance`, `/forms` and `/esp` do the rest, and `/needhelp` in a class channel lists who is waiting."
)


@dataclass(frozen=True)
class Redirect:
    """Where to go instead: the person is not an agent in an active class."""

    text: str


@use_case
def message_to_bot(work: Work, event_id: str | None, text: str) -> help_queue.Queued | Redirect | None:
    """None for a delivery already handled (a retry)."""
    if not events.claim(work.session, event_id, work.now):
        return None
    person = people.by_slack_id(work.session, work.caller.user_id)
    if person is None:
        return Redirect(people.UNKNOWN_USER_HELP)
    if person.role != Role.AGENT:
        return Redirect(STAFF_HELP)
    if cohorts.enrollment_of(work.session, person.id) is None:
        return Redirect(help_queue.NOT_ENROLLED)
    asked = shorten(" ".join(text.split()), NOTE)
    topic = help_queue.match_topic(work.playbook, asked)
    ask = help_queue.HelpAsk(text=asked, topic_key=topic.key if topic else None, source="dm")
    found = help_queue.join_queue(work, ask)
    assert isinstance(found, help_queue.Queued)  # an agent always joins, never reads the staff's queue
    return found
