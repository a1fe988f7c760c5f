"""A carrier's block lifts on January 1 (attempts count per calendar year in the class's timezone):
the tracker item a failed exam blocked moves back to "in progress" then, and the TL is told once.

Only a block the exam's attempts explain is lifted: the item was blocked in a year whose attempts
reached the limit, and this year's have not. A block set for another reason stays."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.certs import outcome
from bot.certs import service as certs
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core.text import escape_line
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from db.models import Cohort, Person


def lifted_items(
    session: Session, agent: Person, playbook: Playbook, now: datetime, timezone: str
) -> list[str]:
    """The agent's tracker items blocked by a past year's attempts that this year no longer blocks."""
    if not playbook.failed_certs.per_year:
        return []
    year = certs.year_of(now, timezone)
    this_year = certs.attempts_by_carrier(session, agent.id, playbook, year)
    found = []
    for key, row in esp.rows(session, agent.id).items():
        exam = playbook.exam(key)
        if exam is None or row.status != esp.BLOCKED:
            continue
        blocked_in = certs.year_of(row.changed_at, timezone)
        if blocked_in >= year or this_year.get(exam.key, 0) >= exam.attempts:
            continue
        then = certs.attempts_by_carrier(session, agent.id, playbook, blocked_in)
        if then.get(exam.key, 0) >= exam.attempts:
            found.append(key)
    return found


@use_case
def lift_blocks(work: Work, cohort_id: int) -> int:
    """Move each lifted item of the class's agents back to in progress; how many moved."""
    session, playbook, now = work.session, work.playbook, work.now
    cohort = cohorts.by_id(session, cohort_id)
    moved = 0
    for enrollment in cohorts.tracked_enrollments(session, cohort.id):
        agent = enrollment.person
        for key in lifted_items(session, agent, playbook, now, cohort.timezone):
            esp.set_status(
                session,
                person=agent,
                item=key,
                status=esp.IN_PROGRESS,
                actor=None,
                now=now,
                source="block_lifted",
            )
            moved += 1
            exam = playbook.exam(key)
            name = exam.name if exam else key
            work.notify(
                key=f"blocklift:{agent.id}:{key}:{certs.year_of(now, cohort.timezone)}",
                kind="block_lifted",
                recipient=cohort.tl.slack_user_id,
                text=(
                    f":unlock: {escape_line(agent.name)}'s {escape_line(name)} block lifted with the new year: "
                    f"the tracker shows {escape_line(name)} in progress again and the attempts start over."
                ),
            )
            # The attempts that blocked it: their notices show the block lifted, in place.
            outcome.show(
                work,
                [
                    a
                    for a in certs.attempts_of(session, agent.id)
                    if certs.tracker_item(playbook, a.carrier_key) == key
                    and a.year < certs.year_of(now, cohort.timezone)
                ],
            )
    return moved


def lift_times(cohort: Cohort, playbook: Playbook) -> list[datetime]:
    """Just after midnight, in the class's timezone, on the next two January firsts after its start
    (the tracker keeps a class's agents after it ends)."""
    if not playbook.failed_certs.per_year:
        return []
    zone = ZoneInfo(cohort.timezone)
    first = cohort.start_date.year + 1
    return [datetime(year, 1, 1, 0, 1, tzinfo=zone).astimezone(UTC) for year in (first, first + 1)]
