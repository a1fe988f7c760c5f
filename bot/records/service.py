"""HR records: who read an agent's records (for admins), and the agent's whole record as one file
(for the TL or PM of the agent's class, an admin, and the agent themself)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access.policy import Action, Target
from bot.core import people, record_reads
from bot.core.context import AppContext
from bot.core.errors import DomainError, InvalidInput
from bot.core.timefmt import show_for
from bot.core.unit_of_work import Caller, Work, use_case
from bot.records import whole_record
from bot.records.types import ReadRow, Reads, RecordFile, RecordSent
from bot.slack import files
from db.models import Enrollment, Person, Role

log = logging.getLogger(__name__)


def record_target(session: Session, agent: Person) -> Target:
    """The agent and the class they are in, or were last in: the TL and PM of a class keep the
    records of the agents who left it."""
    enrollment = people.enrollment_of(session, agent.id) or session.scalar(
        select(Enrollment)
        .where(Enrollment.person_id == agent.id)
        .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
        .limit(1)
    )
    return Target(cohort=enrollment.cohort if enrollment else None, person=agent, record=f"record:{agent.id}")


def _whose(work: Work, agent_user_id: str | None, usage: str) -> Person:
    if agent_user_id is None:
        if work.actor.role != Role.AGENT:
            raise InvalidInput(f"Whose record? {usage}")
        agent_user_id = work.actor.slack_user_id
    return people.require_agent(work.session, agent_user_id)


@use_case
def reads_of(work: Work, agent_user_id: str) -> Reads:
    """Who read the agent's records, newest first (admins)."""
    agent = people.require_agent(work.session, agent_user_id)
    actor = work.allow(Action.RECORDS_READS, record_target(work.session, agent))
    names: dict[str, str] = {}
    rows = []
    for read in record_reads.reads_of(work.session, agent.id):
        if read.reader not in names:
            reader = people.by_slack_id(work.session, read.reader)
            names[read.reader] = reader.name if reader else read.reader
        rows.append(
            ReadRow(
                when=show_for(read.at, actor.timezone, "UTC"),
                reader=names[read.reader],
                what=record_reads.WHAT.get(read.what, read.what),
                detail=read.detail or "",
            )
        )
    return Reads(agent_name=agent.name, rows=rows)


@use_case
def record_file(work: Work, agent_user_id: str | None) -> RecordFile:
    """The agent's whole record as a ZIP; the read is recorded."""
    agent = _whose(work, agent_user_id, "Type `/records @agent`.")
    work.allow(Action.RECORDS_EXPORT, record_target(work.session, agent))
    return build(work.session, work, agent, reader=work.actor.slack_user_id)


def build(session: Session, work: Work, agent: Person, *, reader: str) -> RecordFile:
    record = whole_record.collect(session, work.playbook, agent, work.now)
    record_reads.record(
        session,
        reader=reader,
        person_id=agent.id,
        what=record_reads.WHOLE_RECORD,
        at=work.now,
        detail=f"{len(record['coachings'])} coaching(s), {len(record['failed_exams'])} failed exam(s), identity",
    )
    return RecordFile(
        agent_name=agent.name,
        filename=whole_record.filename(agent, work.now),
        content=whole_record.zip_bytes(record),
    )


@use_case
def record_file_for_cli(work: Work, agent_user_id: str) -> RecordFile:
    """The CLI's export: an admin at the console (the read is recorded as "cli")."""
    agent = people.require_agent(work.session, agent_user_id)
    return build(work.session, work, agent, reader="cli")


def send_record(ctx: AppContext, caller: Caller, agent_user_id: str | None) -> RecordSent:
    """Build the file in one unit of work, then hand it over in the requester's DM."""
    record = record_file(ctx, caller, agent_user_id)
    try:
        files.send_to_dm(
            ctx.client,
            caller.user_id,
            filename=record.filename,
            content=record.content,
            title=f"Record of {record.agent_name}",
            comment=f"Everything the bot holds about {record.agent_name}: a DOCX to read, JSON and a CSV timeline.",
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("could not hand a record to %s: %s", caller.user_id, reason)
        raise DomainError(
            f"Slack did not take the file (`{reason}`). Please try again in a minute."
        ) from None
    return RecordSent(agent_name=record.agent_name, filename=record.filename)
