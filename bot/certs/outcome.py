"""A failed-exam notice is a card that changes: once something is decided about the attempt (a
coaching or CAP documented from it, a retake, the block lifting with the new year, the exam
passed on the tracker), the notice the TL, PM and ESP managers already have (a DM, or a line of
their digest) shows it, in place; no new DM.

What the notice shows is read from the records each time, so telling it twice shows the same."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.certs import service as certs
from bot.coaching.service import level_label
from bot.config.playbook import Playbook
from bot.core import budget
from bot.core.text import escape_line
from bot.core.timefmt import local, show_date
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from db.models import CertAttempt, Coaching, Cohort

PROCTOR = "proctor"


def notice_prefix(attempt_id: int) -> str:
    return f"failcert:{attempt_id}:"


def _timezone(session: Session, attempt: CertAttempt) -> str:
    cohort = session.get(Cohort, attempt.cohort_id) if attempt.cohort_id else None
    return cohort.timezone if cohort else "UTC"


def outcome_lines(work: Work, attempt: CertAttempt) -> list[str]:
    """What has been decided about the attempt since it was recorded, oldest first."""
    session, playbook = work.session, work.playbook
    zone = _timezone(session, attempt)
    ref = f"attempt:{attempt.id}"
    lines = []
    for coaching in session.scalars(
        select(Coaching)
        .where(Coaching.person_id == attempt.person_id)
        .order_by(Coaching.created_at, Coaching.id)
    ):
        if ref in (coaching.links or []):
            what = "CAP" if coaching.document else "coaching"
            lines.append(
                f":memo: {escape_line(level_label(playbook, coaching.level))} ({what}) documented by "
                f"{escape_line(coaching.coached_by.name)} on {show_date(local(coaching.created_at, zone).date())}."
            )
    later = [
        a
        for a in certs.attempts_of(session, attempt.person_id)
        if a.carrier_key == attempt.carrier_key and (a.recorded_at, a.id) > (attempt.recorded_at, attempt.id)
    ]
    if later:
        last = later[-1]
        past = ", recorded past the limit with an admin override" if last.override else ""
        lines.append(
            f":repeat: Retaken on {show_date(local(last.recorded_at, zone).date())}: failed again "
            f"(attempt {last.attempt_no}{past})."
        )
    exam = playbook.exam(attempt.carrier_key)
    name = escape_line(exam.name if exam else attempt.carrier_key)
    if exam is not None and playbook.failed_certs.per_year and attempt.attempt_no >= exam.attempts:
        if certs.year_of(work.now, zone) > attempt.year:
            lines.append(
                f":unlock: The {name} block lifted on {certs.show_lift(certs.lifts_on(attempt.year))}: "
                "the attempts start over."
            )
    row = esp.rows(session, attempt.person_id).get(certs.tracker_item(playbook, attempt.carrier_key))
    if row is not None and row.status == esp.COMPLETE:
        lines.append(f":white_check_mark: Passed: the ESP tracker shows {name} complete.")
    return lines


def notice_text(work: Work, attempt: CertAttempt) -> str | None:
    """The notice as it stands: the failure as recorded, then what was decided since."""
    carrier = work.playbook.exam(attempt.carrier_key)
    if carrier is None:
        return None  # an exam the playbook no longer has: the notice stays as it was
    text = certs.failure_text(certs.result_of(work.playbook, attempt, carrier))
    lines = outcome_lines(work, attempt)
    return text + "".join(f"\n{line}" for line in (["*Since then:*", *lines] if lines else []))


def show(work: Work, attempts: Iterable[CertAttempt]) -> int:
    """Revise each attempt's notices (not the licensing team's proctor note); how many changed."""
    shown = 0
    for attempt in attempts:
        keys = [
            k
            for k in budget.keys_under(work.session, notice_prefix(attempt.id))
            if not k.endswith(f":{PROCTOR}")
        ]
        text = notice_text(work, attempt) if keys else None
        if text is None:
            continue
        for key in keys:
            now_shown = budget.shown(work.session, key)
            if now_shown is not None and now_shown[0] == text:
                continue  # nothing new to show: no update
            shown += work.revise(key=key, text=text)
    return shown


def earlier_attempts(session: Session, attempt_id: int) -> list[CertAttempt]:
    """The agent's earlier attempts at the same exam: a retake is their outcome."""
    attempt = session.get(CertAttempt, attempt_id)
    if attempt is None:
        return []
    return [
        a
        for a in certs.attempts_of(session, attempt.person_id)
        if a.carrier_key == attempt.carrier_key
        and a.id != attempt.id
        and a.recorded_at <= attempt.recorded_at
    ]


@use_case
def show_outcomes(work: Work, attempt_ids: list[int]) -> int:
    """After a coaching documented from these attempts: their notices show it."""
    return show(work, [a for a in (work.session.get(CertAttempt, i) for i in attempt_ids) if a is not None])


@use_case
def show_tracker_outcomes(work: Work, person_id: int, items: list[str]) -> int:
    """After tracker items moved to complete: the notices of those exams' attempts show the pass."""
    playbook: Playbook = work.playbook
    return show(
        work,
        [
            a
            for a in certs.attempts_of(work.session, person_id)
            if certs.tracker_item(playbook, a.carrier_key) in items
        ],
    )
