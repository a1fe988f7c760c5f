"""Failed carrier certification attempts and the Failed Cert Exams Guide.

`record_failure` writes the attempt in the caller's unit of work; `failure_messages` are the TL,
PM and ESP-manager DMs that the /failcert command and the Failed Carrier Cert Exams form both
enqueue, to be sent after the commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.access import policy
from bot.access.policy import Action
from bot.certs.playbook import Carrier
from bot.certs.types import FailureResult
from bot.coaching.service import level_label
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, documents, people
from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.text import escape_line, shorten
from bot.core.timefmt import local, show_date
from bot.core.unit_of_work import Work, use_case
from db.models import CertAttempt, Person, Role


def require_carrier(playbook: Playbook, key: str) -> Carrier:
    """A carrier or a TBT course of the playbook, by key."""
    carrier = playbook.exam(key or "")
    if carrier is None:
        known = ", ".join(c.key for c in playbook.exams)
        raise InvalidInput(
            f"`{key}` is not a carrier I know. Use one of: {known}. Nothing was recorded.", field="carrier"
        )
    return carrier


SCORE = re.compile(r"[0-9]{1,4}%?")


def looks_like_a_score(word: str) -> bool:
    """A word meant as a score (it has a digit of any script), to be parsed strictly rather than
    taken as the start of the note."""
    return any(ch.isdigit() or ch.isnumeric() for ch in word)


def parse_score(playbook: Playbook, raw: str | int | None) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    low, high = playbook.failed_certs.score_min, playbook.failed_certs.score_max
    # ASCII digits only: int() would also take "٣", and "1e3" or "72.5" must not pass as a score.
    text = str(raw).strip()
    if not SCORE.fullmatch(text):
        raise InvalidInput(
            f"`{shorten(text, 20)}` is not a score: give a whole number from {low} to {high}, like `62`. "
            "Nothing was recorded.",
            field="score",
        )
    value = int(text.rstrip("%"))
    if not low <= value <= high:
        raise InvalidInput(
            f"A score of {value} is out of range: scores go from {low} to {high}. Nothing was recorded.",
            field="score",
        )
    return value


def year_of(now: datetime, timezone: str) -> int:
    """The calendar year attempts count in: the cohort's, so New Year's Eve in Chicago is not 2027."""
    return local(now, timezone).year


def lifts_on(year: int) -> date:
    return date(year + 1, 1, 1)


def show_lift(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def attempts_by_carrier(
    session: Session, person_id: int, playbook: Playbook | None = None, year: int | None = None
) -> dict[str, int]:
    """Failed attempts per exam: in `year` when the playbook counts per year, else over all time."""
    stmt = select(CertAttempt.carrier_key, func.count()).where(CertAttempt.person_id == person_id)
    if playbook is not None and playbook.failed_certs.per_year and year is not None:
        stmt = stmt.where(CertAttempt.year == year)
    rows = session.execute(stmt.group_by(CertAttempt.carrier_key))
    return {key: int(count) for key, count in rows}


def failed_attempt_counts(session: Session, person_ids: Iterable[int]) -> dict[int, int]:
    """Agent id -> their failed attempts over all time, for the agents who have any (one query)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    stmt = (
        select(CertAttempt.person_id, func.count())
        .where(CertAttempt.person_id.in_(ids))
        .group_by(CertAttempt.person_id)
    )
    return {person_id: int(count) for person_id, count in session.execute(stmt)}


def attempts_of(session: Session, person_id: int) -> list[CertAttempt]:
    stmt = (
        select(CertAttempt)
        .where(CertAttempt.person_id == person_id)
        .order_by(CertAttempt.recorded_at, CertAttempt.id)
    )
    return list(session.scalars(stmt))


def blocked_carriers(
    session: Session, person_id: int, playbook: Playbook, now: datetime, timezone: str
) -> list[str]:
    """The exams whose attempts are used up; with per-year counting, for this year only."""
    counts = attempts_by_carrier(session, person_id, playbook, year_of(now, timezone))
    return [c.key for c in playbook.exams if counts.get(c.key, 0) >= c.attempts]


def record_failure(
    session: Session,
    *,
    agent: Person,
    carrier_key: str,
    score: int | None,
    note: str | None,
    actor: Person | str,
    now: datetime,
    playbook: Playbook,
    override: bool = False,
) -> FailureResult:
    """Record one failed attempt; refuses past the carrier's limit unless an admin overrides."""
    carrier = require_carrier(playbook, carrier_key)
    actor_person = actor if isinstance(actor, Person) else people.require_person(session, actor)
    score = parse_score(playbook, score)
    enrollment = cohorts.enrollment_of(session, agent.id)
    if enrollment is None or agent.role != Role.AGENT:
        raise NotFound(
            f"{escape_line(agent.name)} is not an agent in an active cohort, so there is no attempt to record. "
            "Nothing was recorded."
        )
    cohort = enrollment.cohort
    guide = playbook.failed_certs
    year = year_of(now, cohort.timezone)
    until = f" until {show_lift(lifts_on(year))}" if guide.per_year else ""
    done = attempts_by_carrier(session, agent.id, playbook, year).get(carrier.key, 0)
    if done >= carrier.attempts:
        if not override:
            raise NotAllowed(
                f"{escape_line(agent.name)} has used all {carrier.attempts} {escape_line(carrier.name)} attempts and is blocked for "
                f"{escape_line(carrier.name)}{until}. Nothing was recorded; only an admin can record another attempt "
                f"(`/failcert @agent {carrier.key} SCORE override`)."
            )
        target = policy.Target(cohort=enrollment.cohort, person=agent)
        policy.require(actor_person, Action.CERT_LIMIT_OVERRIDE, target, playbook.access.grants)
    elif override:
        override = False  # nothing to override
    if not guide.per_year:
        # Counting over all time: numbers keep rising across years, so each stays unique in its year.
        done = sum(1 for a in attempts_of(session, agent.id) if a.carrier_key == carrier.key)
    attempt_no = done + 1
    attempt = CertAttempt(
        person_id=agent.id,
        cohort_id=cohort.id,
        carrier_key=carrier.key,
        attempt_no=attempt_no,
        year=year,
        score=score,
        note=(note or "").strip() or None,
        override=override,
        recorded_by_id=actor_person.id,
        recorded_at=now,
    )
    session.add(attempt)
    session.flush()
    audit.record(
        session,
        actor=actor_person.slack_user_id,
        action="cert.attempt_overridden" if override else "cert.attempt_failed",
        entity="cert_attempt",
        entity_id=attempt.id,
        at=now,
        details={
            "person_id": agent.id,
            "carrier": carrier.key,
            "attempt": attempt_no,
            "score": score,
            "override": override,
            "blocked": attempt_no >= carrier.attempts,
        },
    )
    recipients = [cohort.tl.slack_user_id, cohort.pm.slack_user_id]
    recipients += [p.slack_user_id for p in people.by_role(session, Role.ESP_MANAGER)]
    return result_of(playbook, attempt, carrier, list(dict.fromkeys(recipients)))


def result_of(
    playbook: Playbook, attempt: CertAttempt, carrier: Carrier, recipients: list[str] | None = None
) -> FailureResult:
    """A recorded attempt as its notice shows it: where it left the agent when it was recorded."""
    guide = playbook.failed_certs
    step = playbook.fail_step(carrier, attempt.attempt_no)
    left = max(carrier.attempts - attempt.attempt_no, 0)
    return FailureResult(
        attempt_id=attempt.id,
        agent_name=attempt.person.name,
        agent_slack_id=attempt.person.slack_user_id,
        carrier_key=carrier.key,
        carrier_name=carrier.name,
        attempt_no=attempt.attempt_no,
        limit=carrier.attempts,
        attempts_left=left,
        blocked=left == 0,
        next_step=step.text.format(carrier=carrier.name),
        proposed_level=step.coaching,
        proposed_label=level_label(playbook, step.coaching),
        proctor_next=playbook.proctored_next(carrier, attempt.attempt_no),
        override=attempt.override,
        score=attempt.score,
        note=attempt.note,
        recipients=recipients or [],
        licensing_team=guide.licensing_team,
        blocked_until=show_lift(lifts_on(attempt.year)) if guide.per_year else None,
    )


def failure_text(result: FailureResult) -> str:
    score = f" with a score of {result.score}" if result.score is not None else ""
    lines = [
        f":x: {escape_line(result.agent_name)} failed the {escape_line(result.carrier_name)} exam{score}: "
        f"{result.ordinal} of {result.limit} attempts."
    ]
    if result.override:
        lines.append("Recorded past the limit with an admin override.")
    if result.blocked:
        until = f" until {result.blocked_until}" if result.blocked_until else ""
        lines.append(
            f":no_entry: No attempts left: {escape_line(result.agent_name)} is blocked for {escape_line(result.carrier_name)}{until}."
        )
    else:
        lines.append(f"Attempts left: {result.attempts_left}.")
    lines.append(f"Failed Cert Exams Guide: {result.next_step}")
    if result.proctor_next:
        last = " (the last)" if result.attempts_left == 1 else ""
        lines.append(f"The next {escape_line(result.carrier_name)} attempt{last} must be proctored.")
    if result.note:
        lines.append(f"Note: {escape_line(result.note)}")
    return "\n".join(lines)


def failure_messages(result: FailureResult) -> list[tuple[str, str, str, str]]:
    """(key, kind, recipient, text) of every DM a failed attempt sends: the TL, the PM and the ESP
    managers, and the licensing team when the next attempt must be proctored."""
    text = failure_text(result)
    messages = [(f"failcert:{result.attempt_id}:{r}", "failcert", r, text) for r in result.recipients]
    if result.proctor_next and result.licensing_team:
        messages.append(
            (
                f"failcert:{result.attempt_id}:proctor",
                "failcert_proctor",
                result.licensing_team,
                f":lock: {escape_line(result.agent_name)}'s next {escape_line(result.carrier_name)} attempt must be proctored "
                f"({result.attempts_left} left after the {result.ordinal} fail).",
            )
        )
    return messages


# -- use cases ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FailureInput:
    agent_user_id: str
    carrier: str
    score: int | None = None
    note: str | None = None
    override: bool = False


# The Failed Cert Exams Guide: at the 3rd failed exam, HR is told with the TL, the PM and the managers.
THIRD_FAILURE = 3


def _exam_name(playbook: Playbook, key: str) -> str:
    exam = playbook.exam(key)
    return exam.name if exam else key


def tell_hr_of_third_failure(work: Work, agent: Person, result: FailureResult) -> None:
    """The HR contacts get the failure notice as a document, once per attempt (its key)."""
    contacts = work.playbook.hr.contacts.third_failed_exam
    if result.attempt_no != THIRD_FAILURE or not contacts:
        return
    timezone = "UTC"
    enrollment = cohorts.enrollment_of(work.session, agent.id)
    if enrollment is not None:
        timezone = enrollment.cohort.timezone
    history = [
        f"{show_date(local(a.recorded_at, timezone).date())}: {_exam_name(work.playbook, a.carrier_key)} "
        f"attempt {a.attempt_no}" + (f", score {a.score}" if a.score is not None else "")
        for a in attempts_of(work.session, agent.id)
    ]
    content = documents.simple_docx(
        f"Failed exam record: {agent.name}",
        [
            ("Agent", [agent.name, f"N-Number: {agent.n_number or '(none on file)'}"]),
            ("This failure", [failure_text(result).replace("*", "")]),
            ("Failed attempts on record", history),
            ("Proposed step", [result.proposed_label, result.next_step]),
        ],
    )
    slug = re.sub(r"[^a-z0-9]+", "-", agent.name.lower()).strip("-")[:40] or "agent"
    for contact in contacts:
        work.send_file(
            key=f"failcert:{result.attempt_id}:hr:{contact}",
            kind="hr_failed_exam",
            recipient=contact,
            filename=f"failed-exam-{slug}-{result.carrier_key}-{result.attempt_no}.docx",
            title=f"3rd failed exam: {agent.name}",
            content=content,
            comment=(
                f"For HR: {escape_line(agent.name)} failed the {escape_line(result.carrier_name)} exam for the 3rd time "
                f"({result.proposed_label} proposed)."
            ),
        )


@use_case
def failure_form(work: Work) -> list[tuple[str, str]]:
    """The carriers and TBT courses the /failcert form offers, for someone who may record failed exams."""
    work.allow_ever(Action.CERT_FAILURE_RECORD)
    return [(c.key, c.name) for c in work.playbook.exams]


def tracker_item(playbook: Playbook, exam_key: str) -> str:
    """The ESP tracker item a failed exam moves: the carrier's own, or TBT for a TBT course."""
    return "tbt" if playbook.is_tbt(exam_key) else exam_key
