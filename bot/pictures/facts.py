"""The facts the pictures are drawn from, read from the records in a few queries per class: when
each agent reached each stage of the funnel, each agent's code per class day, and each agent's
result on each exam. Plain data out (bot/pictures/types.py); the numbers are bot/pictures/views.py's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.calendar import class_days
from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.esp_tracker import service as esp
from bot.pictures.types import AgentDays, AgentStages, ClassStages, ExamOutcome
from db.models import CertAttempt, Cohort, EspItem, ProgressMark

AHIP, AETNA = "ahip", "aetna"
FINAL_STEP = "final"


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def cutoffs(cohort: Cohort, playbook: Playbook, now: datetime) -> list[tuple[str, datetime]]:
    """The end of each class day begun by `now` (midnight after it, in the class's timezone, or
    now for today), then "Now" once the class has ended."""
    zone = ZoneInfo(cohort.timezone)
    today = now.astimezone(zone).date()
    found = []
    dates = class_days.dates_of(cohort, playbook)
    for number, day in enumerate(dates, start=1):
        if day > today:
            break
        end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
        found.append((f"Day {number}", min(end, now)))
    if dates and today > dates[-1]:
        found.append(("Now", now))
    return found


def class_stages(session: Session, playbook: Playbook, cohort: Cohort, now: datetime) -> ClassStages:
    enrollments = cohorts.tracked_enrollments(session, cohort.id)
    ids = [e.person_id for e in enrollments]
    items: dict[int, dict[str, EspItem]] = defaultdict(dict)
    marks: dict[int, dict[str, ProgressMark]] = defaultdict(dict)
    if ids:
        for item in session.scalars(select(EspItem).where(EspItem.person_id.in_(ids))):
            items[item.person_id][item.item] = item
        for mark in session.scalars(select(ProgressMark).where(ProgressMark.person_id.in_(ids))):
            marks[mark.person_id][mark.carrier_key] = mark
    steps = [s.key for s in playbook.timeframe.steps.get(AHIP, [])]
    last_module = next((k for k in reversed(steps) if k != FINAL_STEP), None)
    agents = []
    for enrollment in enrollments:
        own, progress = items[enrollment.person_id], marks[enrollment.person_id]

        def done(key: str, own: dict[str, EspItem] = own) -> datetime | None:
            row = own.get(key)
            return row.changed_at if row is not None and row.status == esp.COMPLETE else None

        def carrier(key: str, progress: dict[str, ProgressMark] = progress) -> datetime | None:
            mark = progress.get(key)
            return mark.completed_at or mark.updated_at if mark is not None and mark.complete else None

        ahip_mark = progress.get(AHIP)
        modules_at = None
        if ahip_mark is not None and ahip_mark.step in steps and last_module in steps:
            # The last step reported is kept, not each one: past the last module, its time is when
            # the agent got that far at the latest.
            if steps.index(ahip_mark.step) >= steps.index(last_module):
                modules_at = ahip_mark.updated_at
        ahip_final = _earliest(done(AHIP), carrier(AHIP))
        everything = [done(key) for key in esp.ITEMS]
        agents.append(
            AgentStages(
                enrollment.person.name,
                {
                    "Enrolled": enrollment.enrolled_at,
                    "AHIP modules": _earliest(modules_at, ahip_final),
                    "AHIP final": ahip_final,
                    "Aetna": _earliest(done(AETNA), carrier(AETNA)),
                    "TBT": done("tbt"),
                    "Call Cert": done("callcert"),
                    "ESP-complete": max(m for m in everything if m is not None)
                    if all(m is not None for m in everything)
                    else None,
                    "Production": enrollment.moved_to_production_at,
                },
            )
        )
    return ClassStages(cohort.name, cutoffs(cohort, playbook, now), agents)


def class_attendance(
    session: Session, playbook: Playbook, cohort: Cohort
) -> tuple[list[int], list[AgentDays]]:
    """The class days held, and each active agent's code on each (MIAs nobody cleared marked)."""
    days = attendance.days_held(session, cohort.id)
    codes: dict[int, dict[int, str]] = defaultdict(dict)
    mias: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {p.id: p.name for p in cohorts.active_agents(session, cohort.id)}
    for day in days:
        for row in attendance.day_table(session, playbook, cohort, day):
            codes[row.person_id][day] = row.code_key
            if row.mia_breaks:
                mias[row.person_id].add(day)
    return days, [AgentDays(name, codes[pid], frozenset(mias[pid])) for pid, name in names.items()]


def code_labels(playbook: Playbook) -> dict[str, str]:
    return {c.key: c.label for c in playbook.attendance.codes}


def exam_outcomes(session: Session, playbook: Playbook, classes: Iterable[Cohort]) -> list[ExamOutcome]:
    """Each tracked agent's result on each carrier's exam (and the TBT, when it has courses) in
    each class: passed (the tracker item complete) and the failed attempts recorded in that class."""
    exams: list[tuple[str, str, str, tuple[str, ...]]] = [
        (c.key, c.name, c.key if c.key in esp.ITEMS else "tbt", (c.key,)) for c in playbook.carriers
    ]
    tbt_keys = tuple(c.key for c in playbook.failed_certs.tbt_courses)
    if tbt_keys:
        exams.append(("tbt", "TBT", "tbt", tbt_keys))
    found = []
    for cohort in classes:
        enrollments = cohorts.tracked_enrollments(session, cohort.id)
        ids = [e.person_id for e in enrollments]
        if not ids:
            continue
        complete = {
            (i.person_id, i.item)
            for i in session.scalars(
                select(EspItem).where(EspItem.person_id.in_(ids), EspItem.status == esp.COMPLETE)
            )
        }
        failed: dict[tuple[int, str], int] = {
            (pid, key): int(n)
            for pid, key, n in session.execute(
                select(CertAttempt.person_id, CertAttempt.carrier_key, func.count())
                .where(CertAttempt.cohort_id == cohort.id, CertAttempt.person_id.in_(ids))
                .group_by(CertAttempt.person_id, CertAttempt.carrier_key)
            )
        }
        for pid in ids:
            for _key, name, item, keys in exams:
                found.append(
                    ExamOutcome(
                        class_name=cohort.name,
                        tl_name=cohort.tl.name,
                        exam=name,
                        passed=(pid, item) in complete,
                        failed_attempts=sum(failed.get((pid, k), 0) for k in keys),
                    )
                )
    return found
