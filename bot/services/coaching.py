"""Coaching: the agent's record, the proposed next step on the playbook's ladder, and the CAP.

A *lapse* under a policy is either a recorded incident (an open MIA, tardy or absence for the
Attendance Policy, a failed attempt for the Failed Cert Exams Guide, a window flag for the
Timeframe Expectations) or a coaching that links no incident (the TL documented a lapse the bot
had no record of). The proposal is the highest rung of the policy's ladder the lapse count
reaches, and never below one step above the last coaching under the same policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.playbook import CoachingPolicy, Playbook
from bot.core.errors import Conflict, InvalidInput
from bot.core.timefmt import local, show_date
from bot.services import audit, cohorts
from db.models import AttendanceFlag, CertAttempt, Coaching, Cohort, Person, TimeframeFlag

ATTENDANCE_KINDS = {"mia": "MIA", "tardy": "Tardy", "absent": "Absent"}


@dataclass(frozen=True)
class Incident:
    ref: str  # what a coaching's `links` holds
    policy: str
    at: datetime
    text: str


@dataclass(frozen=True)
class Proposal:
    policy: str
    level: str
    label: str
    lapses: int
    why: str


class SkipNeedsReason(Conflict):
    """The chosen level is above the proposal: the TL must confirm the skip with a reason."""

    def __init__(self, message: str, proposal: Proposal) -> None:
        super().__init__(message)
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


def incidents(session: Session, person_id: int, playbook: Playbook, timezone: str = "UTC") -> list[Incident]:
    """The agent's recorded lapses under every policy, oldest first."""
    found: list[Incident] = []
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
            )
        )
    for behind in session.scalars(
        select(TimeframeFlag).where(
            TimeframeFlag.person_id == person_id,
            TimeframeFlag.flagged_at.is_not(None),
            TimeframeFlag.excuse.is_(None),
        )
    ):
        assert behind.flagged_at is not None
        found.append(
            Incident(
                f"flag:{behind.id}",
                "timeframe",
                behind.flagged_at,
                f"Not finished inside the class window ({behind.missing or 'steps missing'})",
            )
        )
    found.sort(key=lambda i: (i.at, i.ref))
    return found


def lapses(session: Session, person_id: int, policy: str, playbook: Playbook) -> list[str]:
    """The refs of every lapse under `policy`: incidents, and coachings that link none."""
    refs = [i.ref for i in incidents(session, person_id, playbook) if i.policy == policy]
    known = set(refs)
    for coaching in history(session, person_id):
        if coaching.policy == policy and not (set(coaching.links or []) & known):
            refs.append(f"coaching:{coaching.id}")
    return refs


def unaddressed(session: Session, person_id: int, policy: str, playbook: Playbook) -> list[Incident]:
    """Incidents under `policy` that no coaching links yet."""
    linked = {ref for c in history(session, person_id) for ref in (c.links or [])}
    return [i for i in incidents(session, person_id, playbook) if i.policy == policy and i.ref not in linked]


def propose(
    session: Session, person_id: int, policy_key: str, playbook: Playbook, links: list[str] | None = None
) -> Proposal:
    """The next level for a coaching under `policy_key` that links `links` (None: the unaddressed incidents)."""
    policy = require_policy(playbook, policy_key)
    if links is None:
        links = [i.ref for i in unaddressed(session, person_id, policy.key, playbook)]
    incident_refs = {i.ref for i in incidents(session, person_id, playbook) if i.policy == policy.key}
    count = len(lapses(session, person_id, policy.key, playbook))
    new_lapse = not (set(links) & incident_refs)
    if new_lapse:
        count += 1
    ladder = policy.ladder
    index = 0
    for i, step in enumerate(ladder):
        if step.lapses <= count:
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
    incident = (incident or "").strip()
    if not incident:
        raise InvalidInput("Say what happened: the incident is part of the record.")
    if links is None:
        links = [i.ref for i in unaddressed(session, agent.id, policy_rules.key, playbook)]
    known = {i.ref for i in incidents(session, agent.id, playbook)} | {
        f"coaching:{c.id}" for c in history(session, agent.id)
    }
    links = [ref for ref in links if ref in known]
    proposal = propose(session, agent.id, policy_rules.key, playbook, links)
    rank = playbook.coaching.rank
    skip_reason = (skip_reason or "").strip() or None
    if rank(level) > rank(proposal.level) and not skip_reason:
        raise SkipNeedsReason(
            f"The proposed step for {agent.name} is *{proposal.label}* ({proposal.why}). "
            f"*{level_label(playbook, level)}* skips a level: confirm it with the reason.",
            proposal,
        )
    enrollment = cohorts.enrollment_of(session, agent.id)
    coaching = Coaching(
        person_id=agent.id,
        cohort_id=enrollment.cohort_id if enrollment else None,
        policy=policy_rules.key,
        level=level,
        proposed_level=proposal.level,
        skip_reason=skip_reason if rank(level) > rank(proposal.level) else None,
        incident=incident,
        expectation=(expectation or "").strip() or policy_rules.expectation,
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
def render_cap(session: Session, coaching: Coaching, playbook: Playbook) -> str:
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
            f"({policy_title(playbook, c.policy)}) by {c.coached_by.name}: {c.incident}"
        )
    coach = session.get(Person, coaching.coached_by_id)
    values = {
        "level": level_label(playbook, coaching.level),
        "agent_name": agent.name,
        "n_number": agent.n_number or "(none on file)",
        "cohort": cohort.name if cohort else "(no cohort)",
        "cohort_dates": _cohort_dates(cohort) if cohort else "",
        "date": show_date(local(coaching.created_at, timezone).date()),
        "policy": policy.title,
        "incident": coaching.incident,
        "history": "\n".join(lines) if lines else "None on record.",
        "expectation": coaching.expectation,
        "consequence": policy.consequence,
        "tl_name": cohort.tl.name if cohort else (coach.name if coach else ""),
        "coached_by": coach.name if coach else "",
    }
    return playbook.cap.template.format_map(values)


def _cohort_dates(cohort: Cohort) -> str:
    from bot.services.progress import training_dates

    days = training_dates(cohort)
    return f"{show_date(days[0])} to {show_date(days[-1])}"


def caps_for_cohort(session: Session, cohort_id: int) -> list[Coaching]:
    stmt = (
        select(Coaching)
        .where(Coaching.cohort_id == cohort_id, Coaching.document.is_not(None))
        .order_by(Coaching.created_at, Coaching.id)
    )
    return list(session.scalars(stmt))
