"""The agent rows of every class on a staff member's App Home from one query per kind of record,
whatever the number of classes (a PM with 20 classes of 50 agents: about ten queries, not
thousands). The rules stay with the services that own them (attendance.agent_day_from, the tracker
order in esp.ITEMS, the coaching ladder's ranks)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import class_days
from bot.class_day import attendance
from bot.class_day import points as attendance_points
from bot.config.playbook import Playbook
from bot.esp_tracker import service as esp
from bot.help_queue import service as help_queue
from bot.home.types import AgentRow
from bot.progress import service as progress
from bot.progress.steps import done_steps_of
from db.models import (
    AttendanceCheck,
    AttendanceCodeChoice,
    AttendanceFlag,
    Coaching,
    Cohort,
    Enrollment,
    EspItem,
    HelpRequest,
    Person,
    RedFlag,
)


def agents_of_classes(session: Session, cohort_ids: list[int]) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = {cid: [] for cid in cohort_ids}
    stmt = (
        select(Enrollment.cohort_id, Person)
        .join(Person, Enrollment.person_id == Person.id)
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status == "active")
        .order_by(Person.name)
    )
    for cohort_id, person in session.execute(stmt):
        found[cohort_id].append(person)
    return found


def _in_classes(cohort_ids: list[int]) -> Any:
    """The agents active in these classes, as a subquery: a thousand agents' IDs as bound
    parameters cost the driver more than the query itself."""
    return (
        select(Enrollment.person_id)
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status == "active")
        .scalar_subquery()
    )


def esp_of(
    session: Session, cohort_ids: list[int], person_ids: list[int]
) -> dict[int, list[tuple[str, str]]]:
    """(item label, status key) in tracker order for each agent; items never set are not started."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    rows = session.execute(
        select(EspItem.person_id, EspItem.item, EspItem.status).where(
            EspItem.person_id.in_(_in_classes(cohort_ids))
        )
    )
    for person_id, item, status in rows:
        found[person_id][item] = status
    items = [(key, label.split("/")[0]) for key, label in esp.ITEMS.items()]
    unset = esp.NOT_STARTED
    result = {}
    for pid in person_ids:
        statuses = found.get(pid, {})
        result[pid] = [(label, statuses.get(key, unset)) for key, label in items]
    return result


def blocked_in_classes(session: Session, cohort_ids: list[int]) -> dict[int, list[str]]:
    """Agent id -> the tracker items they are blocked on (an exam's attempts used up), one query."""
    if not cohort_ids:
        return {}
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(EspItem.person_id, EspItem.item)
        .where(EspItem.person_id.in_(_in_classes(cohort_ids)), EspItem.status == esp.BLOCKED)
        .order_by(EspItem.person_id, EspItem.item)
    )
    for person_id, item in rows:
        found[person_id].append(esp.ITEMS.get(item, item))
    return dict(found)


def coaching_levels(session: Session, playbook: Playbook, cohort_ids: list[int]) -> dict[int, str]:
    """The highest level each agent has been coached at (its label), as coaching.current_level."""
    best: dict[int, tuple[int, int, str]] = {}
    rows = session.execute(
        select(Coaching.person_id, Coaching.id, Coaching.level).where(
            Coaching.person_id.in_(_in_classes(cohort_ids))
        )
    )
    for person_id, coaching_id, level in rows:
        rank = (playbook.coaching.rank(level), coaching_id, level)
        if person_id not in best or rank > best[person_id]:
            best[person_id] = rank
    labels = {lv.key: lv.label for lv in playbook.coaching.levels}
    return {pid: labels.get(level, level) for pid, (_, _, level) in best.items()}


def _by_class_day_person(
    session: Session, model: Any, cohort_ids: list[int]
) -> dict[tuple[int, int, int], list[Any]]:
    """Plain rows (attribute access like the model's, without the ORM's bookkeeping) by
    (class, day, person): thousands of them are read for a big Home."""
    found: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    stmt = select(*model.__table__.columns).where(model.cohort_id.in_(cohort_ids))
    for row in session.execute(stmt):
        found[(row.cohort_id, row.day, row.person_id)].append(row)
    return found


def rows_of_classes(
    session: Session,
    playbook: Playbook,
    classes: list[Cohort],
    held: dict[int, dict[int, date]],
    *,
    red_flags: dict[int, int],
    in_help_queue: set[int],
    now: datetime,
) -> dict[int, list[AgentRow]]:
    """cohort id -> its active agents' rows. `held`: class_days.held_dates_of_classes for them."""
    ids = [c.id for c in classes]
    if not ids:
        return {}
    agents = agents_of_classes(session, ids)
    person_ids = sorted({p.id for people in agents.values() for p in people})
    esp_rows = esp_of(session, ids, person_ids) if person_ids else {}
    levels = coaching_levels(session, playbook, ids) if person_ids else {}
    points = attendance_points.points_of(session, playbook, person_ids, now)
    checks = _by_class_day_person(session, AttendanceCheck, ids)
    flags = _by_class_day_person(session, AttendanceFlag, ids)
    choices = _by_class_day_person(session, AttendanceCodeChoice, ids)
    done = done_steps_of(session, person_ids, playbook)
    result: dict[int, list[AgentRow]] = {}
    for cohort in classes:
        days = class_days.days_of(cohort, playbook, held=held.get(cohort.id, {}))
        held_days = [days[n - 1] for n in sorted(held.get(cohort.id, {})) if 1 <= n <= len(days)]
        rows = []
        for person in agents[cohort.id]:
            codes, mia = [], 0
            for day in held_days:
                key = (cohort.id, day.number, person.id)
                choice = choices.get(key)
                record = attendance.agent_day_from(
                    playbook,
                    day,
                    person,
                    checks.get(key, []),
                    flags.get(key, []),
                    choice[0] if choice else None,
                )
                codes.append((record.day, record.code_label))
                mia += len(record.mia_breaks)
            rows.append(
                AgentRow(
                    name=person.name,
                    slack_id=person.slack_user_id,
                    esp=esp_rows.get(person.id),
                    attendance=codes,
                    mia=mia,
                    points=points_text(points[person.id]),
                    coaching=levels.get(person.id),
                    red_flags=red_flags.get(person.id, 0),
                    in_help_queue=person.id in in_help_queue,
                    overdue=progress.overdue_text(cohort, playbook, now, done.get(person.id, set())),
                )
            )
        result[cohort.id] = rows
    return result


def points_text(points: attendance_points.Points) -> str | None:
    """ "1½ attendance points (90 days)", or None without any."""
    if not points.total:
        return None
    total = attendance_points.show_points(points.total)
    return f"{total} attendance {attendance_points.plural(points.total)} ({points.window_days} days)"


def open_flags_of_classes(session: Session, cohort_ids: list[int]) -> list[RedFlag]:
    """Open red flags of these classes, oldest first (as red_flags.open_for_cohort, for many)."""
    stmt = (
        select(RedFlag)
        .where(RedFlag.cohort_id.in_(cohort_ids), RedFlag.resolved_at.is_(None))
        .order_by(RedFlag.raised_at, RedFlag.id)
    )
    return list(session.scalars(stmt))


def open_help_of_classes(session: Session, cohort_ids: list[int]) -> list[HelpRequest]:
    """Requests not yet resolved in these classes, oldest first (as help_queue.open_for_cohort)."""
    stmt = (
        select(HelpRequest)
        .where(
            HelpRequest.cohort_id.in_(cohort_ids),
            HelpRequest.status.in_((help_queue.WAITING, help_queue.CLAIMED)),
        )
        .order_by(HelpRequest.requested_at, HelpRequest.id)
    )
    return list(session.scalars(stmt))
