"""Agents hear about themselves: an agent marked tardy or MIA is told once, kindly, with an
"I was there" button. Their claim goes to their class's TL (kind `attendance_claim`), who accepts
it (the mark is excused, on the record with their name) or keeps the mark; the agent hears which.

The flag row is locked while a claim or a decision is written, so double clicks and two people
at once write once."""

from __future__ import annotations

from sqlalchemy import select

from bot.access import targets as access
from bot.access.policy import Action
from bot.class_day import attendance, day_summary
from bot.class_day import claim_blocks as blocks
from bot.class_day.types import ClaimAnswer, MarkNotice
from bot.cohorts import service as cohorts
from bot.core import audit, people
from bot.core.errors import InvalidInput
from bot.core.unit_of_work import Work, use_case
from db.models import AttendanceFlag, Cohort, Person
from db.models.attendance_flag import EXCUSED, MIA, OPEN, TARDY

ACCEPTED = "accepted"
KEPT = "kept"
ACCEPT_REASON = "Said they were there; their team lead accepted it."


def notice_of(work: Work, flag: AttendanceFlag, cohort: Cohort) -> MarkNotice:
    return MarkNotice(
        flag_id=flag.id,
        kind=flag.kind,
        agent_name=flag.person.name,
        cohort_name=cohort.name,
        day=attendance.day_of(cohort, work.playbook, flag.day),
        break_no=flag.break_no,
    )


def tell_agents(work: Work, cohort: Cohort, flags: list[AttendanceFlag]) -> None:
    """Each open tardy or MIA mark's agent, once (the outbox key), in their own zone."""
    grace = work.playbook.attendance.checkin_grace_minutes
    for flag in flags:
        if flag.kind not in (TARDY, MIA) or flag.status != OPEN:
            continue
        text, message = blocks.told_agent(notice_of(work, flag, cohort), grace, flag.person.timezone)
        work.notify(
            key=f"attendance-mark:{flag.id}:agent",
            kind="attendance_mark",
            recipient=flag.person.slack_user_id,
            text=text,
            blocks=message,
        )


def _locked(work: Work, flag_id: int, action: Action) -> tuple[AttendanceFlag, Cohort]:
    flag = attendance.require_flag(work.session, flag_id)
    work.allow(
        action, access.record_target(work.session, flag.cohort_id, flag.person, f"attendance_flag:{flag.id}")
    )
    work.session.execute(select(AttendanceFlag.id).where(AttendanceFlag.id == flag.id).with_for_update())
    work.session.refresh(flag)
    return flag, cohorts.by_id(work.session, flag.cohort_id)


def _resolver(work: Work, flag: AttendanceFlag) -> str | None:
    person = work.session.get(Person, flag.resolved_by_id) if flag.resolved_by_id else None
    return person.name if person is not None else None


@use_case
def claim(work: Work, flag_id: int) -> tuple[ClaimAnswer, str]:
    """The agent's "I was there": written once, and their TL told once. Returns the answer and the
    TL's Slack id (the reply names them)."""
    flag, cohort = _locked(work, flag_id, Action.ATTENDANCE_CLAIM)
    notice = notice_of(work, flag, cohort)
    tl = cohort.tl.slack_user_id
    if flag.status != OPEN:
        return ClaimAnswer("already_resolved", notice, _resolver(work, flag)), tl
    if flag.claim_outcome:
        return ClaimAnswer("already_decided", notice), tl
    if flag.claimed_at is not None:
        return ClaimAnswer("already_claimed", notice), tl
    flag.claimed_at = work.now
    work.session.flush()
    audit.record(
        work.session,
        actor=work.caller.user_id,
        action="attendance.claim",
        entity="attendance_flag",
        entity_id=flag.id,
        at=work.now,
        details={"kind": flag.kind, "day": flag.day, "break": flag.break_no, "person_id": flag.person_id},
    )
    text, card = blocks.claim_card(notice)
    work.notify(
        key=f"attendance-claim:{flag.id}", kind="attendance_claim", recipient=tl, text=text, blocks=card
    )
    return ClaimAnswer("claimed", notice), tl


@use_case
def decide(work: Work, flag_id: int, outcome: str) -> ClaimAnswer:
    """The TL's Accept (the mark is excused, audited) or Keep, once; the agent hears which."""
    if outcome not in (ACCEPTED, KEPT):
        raise InvalidInput("Choose Accept or Keep.")
    flag, cohort = _locked(work, flag_id, Action.ATTENDANCE_CLAIM_DECIDE)
    notice = notice_of(work, flag, cohort)
    if flag.claimed_at is None:
        raise InvalidInput(f"{flag.person.name} has not said they were there for this mark.")
    if flag.claim_outcome:
        return ClaimAnswer("already_decided", notice, _decider(work, flag))
    if flag.status != OPEN:
        return ClaimAnswer("already_resolved", notice, _resolver(work, flag))
    if outcome == ACCEPTED:
        attendance.resolve_flag(
            work.session, flag.id, decision=EXCUSED, actor=work.actor, reason=ACCEPT_REASON, now=work.now
        )
    flag.claim_outcome = outcome
    work.session.flush()
    if outcome == ACCEPTED:
        # Accepted after the day ended: its summary shows the code the excuse gives, in place.
        day_summary.refresh(work, flag.cohort_id, flag.day)
    audit.record(
        work.session,
        actor=work.actor.slack_user_id,
        action=f"attendance.claim.{outcome}",
        entity="attendance_flag",
        entity_id=flag.id,
        at=work.now,
        details={"kind": flag.kind, "day": flag.day, "break": flag.break_no, "person_id": flag.person_id},
    )
    answer = ClaimAnswer(outcome, notice, work.actor.name)
    text, message = blocks.decided_for_agent(answer)
    work.notify(
        key=f"attendance-claim:{flag.id}:decided",
        kind="attendance_claim_decided",
        recipient=flag.person.slack_user_id,
        text=text,
        blocks=message,
    )
    return answer


def _decider(work: Work, flag: AttendanceFlag) -> str | None:
    decisions = [
        e
        for e in audit.entries_for(work.session, "attendance_flag", flag.id)
        if e.action.startswith("attendance.claim.")
    ]
    who = people.by_slack_id(work.session, decisions[-1].actor) if decisions else None
    return who.name if who is not None else None
