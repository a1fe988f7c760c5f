"""Coaching: the agent's record, the proposed next step on the playbook's ladder, and the CAP.

A *lapse* under a policy is either a recorded incident (an open MIA, tardy or absence for the
Attendance Policy, a failed attempt for the Failed Cert Exams Guide, a window flag for the
Timeframe Expectations) or a coaching that links no incident (the TL documented a lapse the bot
had no record of). The proposal is the highest rung of the policy's ladder the lapse count
reaches, and never below one step above the last coaching under the same policy.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action
from bot.calendar.class_days import dates_of
from bot.class_day import points as attendance_points
from bot.coaching import acknowledgement, blocks, cap_document
from bot.coaching.playbook import CoachingPolicy
from bot.coaching.types import CoachForm, CoachingRecorded, CoachingSaved, History, HistoryRow, Prefill
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, people, record_reads
from bot.core.errors import Conflict, DomainError, InvalidInput
from bot.core.text import EXPECTATION, INCIDENT, NOTE, escape_line, require_length, shorten
from bot.core.timefmt import local, show_date
from bot.core.unit_of_work import Work, use_case
from db.models import AttendanceFlag, CertAttempt, Coaching, Cohort, Person, Role, TimeframeFlag

log = logging.getLogger(__name__)

ATTENDANCE_KINDS = {"mia": "MIA", "tardy": "Tardy", "absent": "Absent"}


@dataclass(frozen=True)
class Incident:
    ref: str  # what a coaching's `links` holds
    policy: str
    at: datetime
    text: str
    level: str | None = None  # the level the incident's own ladder gives it (a carrier's failed exam)


@dataclass(frozen=True)
class Proposal:
    policy: str
    level: str | None  # None: the policy calls for no step yet (½ point on a points ladder)
    label: str
    lapses: int
    why: str
    points: float | None = None  # on a points ladder: the points in the window


NO_STEP = "No step yet"


class SkipNeedsReason(Conflict):
    """The chosen level is above the proposal: the TL must confirm the skip with a reason."""

    def __init__(self, message: str, proposal: Proposal) -> None:
        super().__init__(message, field="skip_reason")
        self.proposal = proposal


def require_policy(playbook: Playbook, key: str) -> CoachingPolicy:
    policy = playbook.coaching.policy(key or "")
    if policy is None:
        known = ", ".join(p.key for p in playbook.coaching.policies)
        raise InvalidInput(f"`{key}` is not a policy I know. Use one of: {known}.")
    return policy


def require_level(playbook: Playbook, key: str) -> str:
    level = playbook.coaching.level(key or "")
    if level is None:
        known = ", ".join(lv.key for lv in playbook.coaching.levels)
        raise InvalidInput(f"`{key}` is not a coaching level. Use one of: {known}.")
    return level.key


def level_label(playbook: Playbook, key: str) -> str:
    level = playbook.coaching.level(key)
    return level.label if level else key


def policy_title(playbook: Playbook, key: str) -> str:
    policy = playbook.coaching.policy(key)
    return policy.title if policy else key


# -- the record ----------------------------------------------------------------------------------
def history(session: Session, person_id: int) -> list[Coaching]:
    """Every coaching of the agent, newest first."""
    stmt = (
        select(Coaching)
        .where(Coaching.person_id == person_id)
        .order_by(Coaching.created_at.desc(), Coaching.id.desc())
    )
    return list(session.scalars(stmt))


def _attendance_counts_points(playbook: Playbook) -> bool:
    policy = playbook.coaching.policy("attendance")
    return policy is not None and policy.counts_points


def incidents(
    session: Session, person_id: int, playbook: Playbook, now: datetime | None = None
) -> list[Incident]:
    """The agent's recorded lapses under every policy, oldest first. On a points ladder the
    Attendance Policy's are the occurrences that carry points in the window, across classes."""
    found: list[Incident] = []
    if _attendance_counts_points(playbook):
        points = attendance_points.points_for(session, playbook, person_id, now or datetime.now(UTC))
        found += [
            Incident(o.ref, "attendance", o.at, f"{o.text} ({attendance_points.show_points(o.points)})")
            for o in points.occurrences
        ]
    else:
        found += _attendance_marks(session, person_id)
    for attempt in session.scalars(select(CertAttempt).where(CertAttempt.person_id == person_id)):
        carrier = playbook.carrier(attempt.carrier_key)
        name = carrier.name if carrier else attempt.carrier_key
        score = f" (score {attempt.score})" if attempt.score is not None else ""
        found.append(
            Incident(
                f"attempt:{attempt.id}",
                "failedcert",
                attempt.recorded_at,
                f"Failed {name} attempt {attempt.attempt_no}{score}",
                _exam_step_level(playbook, attempt),
            )
        )
    for window in session.scalars(
        select(TimeframeFlag).where(
            TimeframeFlag.person_id == person_id,
            TimeframeFlag.flagged_at.is_not(None),
            TimeframeFlag.excuse.is_(None),
        )
    ):
        assert window.flagged_at is not None
        found.append(
            Incident(
                f"flag:{window.id}",
                "timeframe",
                window.flagged_at,
                f"Not finished inside the class window ({window.missing or 'steps missing'})",
            )
        )
    found.sort(key=lambda i: (i.at, i.ref))
    return found


def _attendance_marks(session: Session, person_id: int) -> list[Incident]:
    """A lapse ladder's attendance lapses: every open MIA, tardy or absence mark."""
    found = []
    for flag in session.scalars(
        select(AttendanceFlag).where(
            AttendanceFlag.person_id == person_id,
            AttendanceFlag.status == "open",
            AttendanceFlag.kind.in_(list(ATTENDANCE_KINDS)),
        )
    ):
        what = ATTENDANCE_KINDS[flag.kind]
        where = f" after break {flag.break_no}" if flag.kind == "mia" and flag.break_no else ""
        found.append(
            Incident(
                f"attendance:{flag.id}", "attendance", flag.flagged_at, f"{what} on day {flag.day}{where}"
            )
        )
    return found


def _exam_step_level(playbook: Playbook, attempt: CertAttempt) -> str | None:
    exam = playbook.exam(attempt.carrier_key)
    return playbook.fail_step(exam, attempt.attempt_no).coaching if exam else None


def lapses(
    session: Session, person_id: int, policy: str, playbook: Playbook, now: datetime | None = None
) -> list[str]:
    """The refs of every lapse under `policy`: incidents, and coachings that link none."""
    refs = [i.ref for i in incidents(session, person_id, playbook, now) if i.policy == policy]
    known = set(refs)
    for coaching in history(session, person_id):
        if coaching.policy == policy and not (set(coaching.links or []) & known):
            refs.append(f"coaching:{coaching.id}")
    return refs


def unaddressed(
    session: Session, person_id: int, policy: str, playbook: Playbook, now: datetime | None = None
) -> list[Incident]:
    """Incidents under `policy` that no coaching links yet."""
    linked = {ref for c in history(session, person_id) for ref in (c.links or [])}
    return [
        i for i in incidents(session, person_id, playbook, now) if i.policy == policy and i.ref not in linked
    ]


def propose(
    session: Session,
    person_id: int,
    policy_key: str,
    playbook: Playbook,
    links: list[str] | None = None,
    now: datetime | None = None,
) -> Proposal:
    """The next level for a coaching under `policy_key` that links `links` (None: the unaddressed incidents)."""
    policy = require_policy(playbook, policy_key)
    if policy.counts_points:
        return _propose_by_points(session, person_id, policy, playbook, now)
    if links is None:
        links = [i.ref for i in unaddressed(session, person_id, policy.key, playbook, now)]
    incident_refs = {i.ref for i in incidents(session, person_id, playbook, now) if i.policy == policy.key}
    count = len(lapses(session, person_id, policy.key, playbook, now))
    new_lapse = not (set(links) & incident_refs)
    if new_lapse:
        count += 1
    # A failed exam follows its carrier's own ladder (UHC's 2nd fail is not the shared 2nd rung).
    own = [i.level for i in incidents(session, person_id, playbook, now) if i.ref in links and i.level]
    if own:
        level = max(own, key=playbook.coaching.rank)
        why = f"{policy.title}: the step for this attempt"
        return Proposal(
            policy=policy.key, level=level, label=level_label(playbook, level), lapses=count, why=why
        )
    ladder = policy.ladder
    index = 0
    for i, step in enumerate(ladder):
        if step.lapses is not None and step.lapses <= count:
            index = i
    prior = [c for c in history(session, person_id) if c.policy == policy.key]
    ladder_keys = [s.level for s in ladder]
    rank = playbook.coaching.rank
    if prior:
        top = max(prior, key=lambda c: rank(c.level))
        above = [i for i, key in enumerate(ladder_keys) if rank(key) > rank(top.level)]
        if above:
            index = max(index, above[0])
        else:
            index = len(ladder) - 1
    level = ladder[index].level
    why = f"{count} lapse{'s' if count != 1 else ''} under the {policy.title}"
    if prior:
        why += f"; last coaching: {level_label(playbook, prior[0].level)}"
    return Proposal(policy=policy.key, level=level, label=level_label(playbook, level), lapses=count, why=why)


def _propose_by_points(
    session: Session, person_id: int, policy: CoachingPolicy, playbook: Playbook, now: datetime | None
) -> Proposal:
    """The step the points (or the count of one code) reach: the Attendance Policy gives it from
    the occurrences in the window alone, whatever was coached before."""
    points = attendance_points.points_for(session, playbook, person_id, now or datetime.now(UTC))
    named = {code for step in policy.ladder for code in step.codes}
    counts = {code: points.count(code) for code in named}
    why = points.summary
    for code in sorted(named):
        if counts[code]:
            why += f", {counts[code]} × {playbook.attendance.label(code)}"
    reached = [i for i, step in enumerate(policy.ladder) if step.reached(points.total, counts)]
    count = len(points.occurrences)
    if not reached:
        first = policy.ladder[0]
        needs = []
        if first.points is not None:
            needs.append(
                f"{attendance_points.show_points(first.points)} {attendance_points.plural(first.points)}"
            )
        needs += [f"{n} × {playbook.attendance.label(code)}" for code, n in first.codes.items()]
        why += f"; {' or '.join(needs)} bring{'s' if len(needs) == 1 else ''} {level_label(playbook, first.level)}"
        return Proposal(policy.key, None, NO_STEP, count, why, points.total)
    level = policy.ladder[max(reached, key=lambda i: playbook.coaching.rank(policy.ladder[i].level))].level
    return Proposal(policy.key, level, level_label(playbook, level), count, why, points.total)


def acknowledgements_line(session: Session, person_id: int, playbook: Playbook, timezone: str) -> str:
    """The agent's CAPs and when they acknowledged each, for the tracker export:
    "Written CAP Dec 2: acknowledged Dec 3 9:05 AM; Final CAP Dec 9: not yet"."""
    parts = []
    for c in reversed(history(session, person_id)):
        if not c.document:
            continue
        when = local(c.created_at, timezone).strftime("%b %-d")
        ack = (
            "acknowledged " + local(c.acknowledged_at, timezone).strftime("%b %-d %-I:%M %p")
            if c.acknowledged_at
            else "not yet"
        )
        parts.append(f"{level_label(playbook, c.level)} {when}: {ack}")
    return "; ".join(parts)


def current_level(session: Session, person_id: int, playbook: Playbook) -> str | None:
    """The highest level the agent has been coached at, across policies (its label), or None."""
    rows = history(session, person_id)
    if not rows:
        return None
    top = max(rows, key=lambda c: (playbook.coaching.rank(c.level), c.id))
    return level_label(playbook, top.level)


# -- writing --------------------------------------------------------------------------------------
def record(
    session: Session,
    *,
    agent: Person,
    policy: str,
    level: str,
    incident: str,
    expectation: str | None,
    actor: Person,
    now: datetime,
    playbook: Playbook,
    links: list[str] | None = None,
    skip_reason: str | None = None,
) -> Coaching:
    """Write a coaching (and its CAP for CAP levels). A level above the proposal needs `skip_reason`."""
    policy_rules = require_policy(playbook, policy)
    level = require_level(playbook, level)
    incident = require_length(incident, INCIDENT, "What happened", field="incident")
    if not incident:
        raise InvalidInput("Say what happened: the incident is part of the record.", field="incident")
    expectation = require_length(expectation, EXPECTATION, "The expectation", field="expectation")
    if links is None:
        links = [i.ref for i in unaddressed(session, agent.id, policy_rules.key, playbook, now)]
    known = {i.ref for i in incidents(session, agent.id, playbook, now)} | {
        f"coaching:{c.id}" for c in history(session, agent.id)
    }
    links = [ref for ref in links if ref in known]
    proposal = propose(session, agent.id, policy_rules.key, playbook, links, now)
    rank = playbook.coaching.rank
    skip_reason = require_length(skip_reason, NOTE, "The reason for the skip", field="skip_reason") or None
    beyond = proposal.level is None or rank(level) > rank(proposal.level)
    if beyond and not skip_reason:
        what = "goes beyond the policy" if proposal.level is None else "skips a level"
        raise SkipNeedsReason(
            f"The proposed step for {escape_line(agent.name)} is *{proposal.label}* ({proposal.why}). "
            f"*{level_label(playbook, level)}* {what}: confirm it with the reason.",
            proposal,
        )
    enrollment = cohorts.enrollment_of(session, agent.id)
    coaching = Coaching(
        person_id=agent.id,
        cohort_id=enrollment.cohort_id if enrollment else None,
        policy=policy_rules.key,
        level=level,
        proposed_level=proposal.level,
        skip_reason=skip_reason if beyond else None,
        incident=incident,
        expectation=expectation or policy_rules.expectation,
        links=links,
        coached_by_id=actor.id,
        created_at=now,
    )
    session.add(coaching)
    session.flush()
    level_rules = playbook.coaching.level(level)
    if level_rules is not None and level_rules.cap:
        coaching.document = render_cap(session, coaching, playbook)
        session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="coaching.recorded",
        entity="coaching",
        entity_id=coaching.id,
        at=now,
        details={
            "person_id": agent.id,
            "policy": coaching.policy,
            "level": level,
            "proposed": proposal.level,
            "skip_reason": coaching.skip_reason,
            "links": links,
        },
    )
    return coaching


# -- the CAP document -------------------------------------------------------------------------------
def cap_values(session: Session, coaching: Coaching, playbook: Playbook) -> dict[str, str]:
    """What a CAP is filled with, in the Slack text and in the DOCX alike."""
    agent = session.get(Person, coaching.person_id)
    assert agent is not None
    cohort = session.get(Cohort, coaching.cohort_id) if coaching.cohort_id else None
    timezone = cohort.timezone if cohort else "UTC"
    policy = require_policy(playbook, coaching.policy)
    prior = [
        c for c in history(session, agent.id) if c.id != coaching.id and c.created_at <= coaching.created_at
    ]
    lines = []
    for c in prior:
        lines.append(
            f"- {show_date(local(c.created_at, timezone).date())}: {level_label(playbook, c.level)} "
            f"({policy_title(playbook, c.policy)}) by {c.coached_by.name}: {shorten(c.incident, INCIDENT)}"
        )
    coach = session.get(Person, coaching.coached_by_id)
    incident, points = coaching.incident, ""
    if policy.counts_points:
        points = attendance_points.points_for(session, playbook, agent.id, coaching.created_at).detail()
        if "{points}" not in playbook.cap.template:
            incident = f"{incident}\n\n{points}"
    return {
        "level": level_label(playbook, coaching.level),
        "agent_name": agent.name,
        "n_number": agent.n_number or "(none on file)",
        "cohort": cohort.name if cohort else "(no cohort)",
        "cohort_dates": _cohort_dates(cohort, playbook) if cohort else "",
        "date": show_date(local(coaching.created_at, timezone).date()),
        "policy": policy.title,
        "incident": incident,
        "points": points,
        "history": "\n".join(lines) if lines else "None on record.",
        "expectation": coaching.expectation,
        "consequence": policy.consequence,
        "tl_name": cohort.tl.name if cohort else (coach.name if coach else ""),
        "coached_by": coach.name if coach else "",
        "acknowledgement": playbook.cap.acknowledgement_for(policy.key),
    }


def render_cap(session: Session, coaching: Coaching, playbook: Playbook) -> str:
    values = cap_values(session, coaching, playbook)
    # An empty {points} (a policy without points) leaves no gap in the document.
    return re.sub(r"\n{3,}", "\n\n", playbook.cap.template.format_map(values))


def cap_docx(session: Session, coaching: Coaching, playbook: Playbook) -> bytes:
    """The CAP as the team's DOCX, filled in; a template that went missing since the start is said
    plainly, and the coaching is not saved without its document."""
    try:
        return cap_document.fill(playbook.cap, cap_values(session, coaching, playbook))
    except Exception as exc:  # noqa: BLE001 - zip, XML and Jinja errors alike: the template is broken
        log.exception("could not fill the CAP template %s", playbook.cap.document)
        raise DomainError(
            f"I could not fill the team's CAP template (`{type(exc).__name__}`), so nothing was saved. "
            "Tell an admin: the playbook's `cap.document` must be a readable DOCX."
        ) from None


def _cohort_dates(cohort: Cohort, playbook: Playbook) -> str:
    days = dates_of(cohort, playbook)
    return f"{show_date(days[0])} to {show_date(days[-1])}"


def caps_for_cohort(session: Session, cohort_id: int) -> list[Coaching]:
    stmt = (
        select(Coaching)
        .where(Coaching.cohort_id == cohort_id, Coaching.document.is_not(None))
        .order_by(Coaching.created_at, Coaching.id)
    )
    return list(session.scalars(stmt))


# -- use cases ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoachingInput:
    agent_user_id: str
    policy: str
    level: str
    incident: str
    expectation: str | None = None
    links: list[str] | None = None  # None: the policy's unaddressed incidents
    skip_reason: str | None = None


@use_case
def require_coach(work: Work) -> None:
    """Only people who may document coachings get the /coach help."""
    work.allow_ever(Action.COACHING_WRITE)


@use_case
def coach(work: Work, data: CoachingInput) -> CoachingSaved:
    """/coach and its form: write the coaching, and send the filled CAP to the class's TL."""
    agent = people.require_agent(work.session, data.agent_user_id)
    actor = work.allow(Action.COACHING_WRITE, access.agent_target(work.session, agent))
    people.lock(work.session, agent)  # the proposal counts earlier coachings: one at a time
    saved = record(
        work.session,
        agent=agent,
        policy=data.policy,
        level=data.level,
        incident=data.incident,
        expectation=data.expectation,
        actor=actor,
        now=work.now,
        playbook=work.playbook,
        links=data.links,
        skip_reason=data.skip_reason,
    )
    # What the coaching is about may show it (a failed exam's notice): after the commit.
    work.emit(CoachingRecorded(coaching_id=saved.id, person_id=agent.id, links=list(saved.links or [])))
    cohort = cohorts.by_id(work.session, saved.cohort_id) if saved.cohort_id else None
    tl = cohort.tl.slack_user_id if cohort else actor.slack_user_id
    level = level_label(work.playbook, saved.level)
    hr: list[str] = []
    if saved.document:
        work.notify(
            key=f"cap:{saved.id}:tl",
            kind="cap",
            recipient=tl,
            text=f"{level} for {escape_line(agent.name)}",
            blocks=blocks.cap_document(agent.name, level, saved.document),
        )
        hr = send_cap_documents(work, saved, agent, tl)
        acknowledgement.ask_agent(work, saved, agent)
    return CoachingSaved(
        coaching_id=saved.id,
        agent_name=agent.name,
        tl=tl,
        policy_title=policy_title(work.playbook, saved.policy),
        level_label=level,
        proposed_label=level_label(work.playbook, saved.proposed_level or saved.level),
        skip_reason=saved.skip_reason,
        cap=bool(saved.document),
        hr=hr,
    )


# The levels whose CAP HR hears of, and the playbook's name for that event (hr.contacts).
HR_EVENTS = {"final": "final_cap", "term": "term_proposal"}


def send_cap_documents(work: Work, saved: Coaching, agent: Person, tl: str) -> list[str]:
    """The filled DOCX to the TL, and to HR for a Final CAP or a Term proposal; each once (its key
    is the coaching's). The HR contacts reached, for the TL's answer."""
    level = level_label(work.playbook, saved.level)
    content = cap_docx(work.session, saved, work.playbook)
    day = local(saved.created_at, "UTC").date().isoformat()
    name = cap_document.filename(agent.name, saved.level, day)
    title = f"{level}: {agent.name}"
    work.send_file(
        key=f"cap:{saved.id}:tl:docx",
        kind="cap_document",
        recipient=tl,
        filename=name,
        title=title,
        content=content,
        comment=f"{level} for {escape_line(agent.name)}: the filled document to print, sign and file with HR.",
    )
    event = HR_EVENTS.get(saved.level)
    contacts: list[str] = getattr(work.playbook.hr.contacts, event) if event else []
    what = "A Term proposal" if event == "term_proposal" else f"A {level}"
    for contact in contacts:
        work.send_file(
            key=f"cap:{saved.id}:hr:{contact}",
            kind="hr_cap",
            recipient=contact,
            filename=name,
            title=title,
            content=content,
            comment=(
                f"For HR: {what} for {escape_line(agent.name)} "
                f"({policy_title(work.playbook, saved.policy)}), documented by {escape_line(saved.coached_by.name)}."
            ),
        )
    return contacts


@use_case
def coach_form(work: Work, agent_user_id: str, prefill: Prefill | None = None) -> CoachForm:
    """What the /coach form shows for the agent: their records and the proposed step per policy."""
    agent = people.require_agent(work.session, agent_user_id)
    work.allow(Action.COACHING_WRITE, access.agent_target(work.session, agent))
    prefill = prefill or Prefill()
    playbook, note = work.playbook, None
    if prefill.policy and prefill.level and playbook.coaching.policy(prefill.policy):
        if playbook.coaching.level(prefill.level):
            proposal = propose(
                work.session, agent.id, prefill.policy, playbook, prefill.links or None, work.now
            )
            rank = playbook.coaching.rank
            if proposal.level is None or rank(prefill.level) > rank(proposal.level):
                what = "goes beyond the policy" if proposal.level is None else "skips a level"
                note = (
                    f"Proposed: {proposal.label} ({proposal.why}). "
                    f"{level_label(playbook, prefill.level)} {what}: give the reason below."
                )
    record_reads.record(
        work.session,
        reader=work.actor.slack_user_id,
        person_id=agent.id,
        what=record_reads.COACHING_HISTORY,
        at=work.now,
        detail="the /coach form: attendance, failed exams and coachings",
    )
    if agent.n_number:
        record_reads.record(
            work.session,
            reader=work.actor.slack_user_id,
            person_id=agent.id,
            what=record_reads.IDENTITY,
            at=work.now,
            detail="the N-Number, on the /coach form",
        )
    failed = work.session.scalar(
        select(func.count()).select_from(CertAttempt).where(CertAttempt.person_id == agent.id)
    )
    if failed:
        record_reads.record(
            work.session,
            reader=work.actor.slack_user_id,
            person_id=agent.id,
            what=record_reads.FAILED_EXAMS,
            at=work.now,
            detail=f"the /coach form: {failed} failed attempt(s)",
        )
    return form_data(work.session, agent, playbook, prefill, note, work.now)


def form_data(
    session: Session,
    agent: Person,
    playbook: Playbook,
    prefill: Prefill,
    skip_note: str | None,
    now: datetime | None = None,
) -> CoachForm:
    enrollment = cohorts.enrollment_of(session, agent.id)
    timezone = enrollment.cohort.timezone if enrollment else "UTC"
    proposals = []
    for rules in playbook.coaching.policies:
        proposal = propose(session, agent.id, rules.key, playbook, now=now)
        proposals.append(f"{rules.title}: *{proposal.label}* ({proposal.why})")
    records: list[tuple[str, str]] = []
    for item in reversed(incidents(session, agent.id, playbook, now)):
        records.append((item.ref, f"{show_date(local(item.at, timezone).date())}: {item.text}"))
    for c in history(session, agent.id):
        records.append(
            (
                f"coaching:{c.id}",
                f"{show_date(local(c.created_at, timezone).date())}: "
                f"{level_label(playbook, c.level)} ({policy_title(playbook, c.policy)})",
            )
        )
    return CoachForm(
        agent_slack_id=agent.slack_user_id,
        agent_name=agent.name,
        n_number=agent.n_number,
        cohort_name=enrollment.cohort.name if enrollment else None,
        policies=[(p.key, p.title) for p in playbook.coaching.policies],
        levels=[(lv.key, lv.label) for lv in playbook.coaching.levels],
        proposals=proposals,
        records=records,
        policy=prefill.policy,
        level=prefill.level,
        incident=prefill.incident,
        links=list(prefill.links),
        skip_note=skip_note,
    )


@use_case
def coaching_history(work: Work, agent_user_id: str | None) -> History:
    """/coaching: an agent's coachings, newest first. Agents see only their own."""
    if agent_user_id is None:
        if work.actor.role != Role.AGENT:
            raise InvalidInput("Whose history? Type `/coaching @agent`.")
        agent_user_id = work.actor.slack_user_id
    agent = people.require_agent(work.session, agent_user_id)
    work.allow(Action.COACHING_READ, access.agent_target(work.session, agent))
    enrollment = cohorts.enrollment_of(work.session, agent.id)
    timezone = enrollment.cohort.timezone if enrollment else "UTC"
    rows = [
        HistoryRow(
            date=show_date(local(c.created_at, timezone).date()),
            level=level_label(work.playbook, c.level),
            policy=policy_title(work.playbook, c.policy),
            by=c.coached_by.name,
            incident=c.incident,
            skip_reason=c.skip_reason,
            acknowledged=(acknowledgement.shown_at(work.session, c, work.actor) or "")
            if c.document
            else None,
        )
        for c in history(work.session, agent.id)
    ]
    record_reads.record(
        work.session,
        reader=work.actor.slack_user_id,
        person_id=agent.id,
        what=record_reads.COACHING_HISTORY,
        at=work.now,
        detail=f"/coaching: {len(rows)} coaching(s), {sum(1 for c in rows if c.acknowledged is not None)} CAP(s)",
    )
    return History(agent.name, rows, current_level(work.session, agent.id, work.playbook))
