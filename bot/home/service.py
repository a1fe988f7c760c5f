"""What App Home shows each person, gathered from the services that own each part (the ESP
tracker, attendance, coaching, progress, the help queue, red flags): this module never computes
them itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.access.policy import Action
from bot.calendar import class_days
from bot.class_day import attendance
from bot.class_day import points as attendance_points
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import people, record_reads
from bot.core.text import escape_line
from bot.core.timefmt import clock_time, local, show_date
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from bot.esp_tracker.form_kinds import FORM_NAMES
from bot.home import blocks as home_blocks
from bot.home import rows as home_rows
from bot.home.types import AgentHome, CohortPanel, FormButton
from bot.progress import service as progress
from bot.progress.steps import done_steps
from bot.red_flags import service as red_flags
from bot.red_flags.notify import card_of
from bot.slack import ids
from db.models import Cohort, Person, Role


def esp_statuses(session: Session, person_id: int) -> list[tuple[str, str]]:
    """(item label, status key) in tracker order."""
    return [(state.label.split("/")[0], state.status) for state in esp.statuses(session, person_id).values()]


def when_text(cohort: Cohort, playbook: Playbook, now: datetime, days: list[Any] | None = None) -> str:
    days = cohorts_days(cohort, playbook) if days is None else days
    today = local(now, cohort.timezone).date()
    if not days:
        return ""
    if today < days[0].date:
        return f"starts {show_date(days[0].date)}"
    for day in days:
        if day.date == today:
            return f"day {day.number} of {len(days)} ({show_date(today)})"
        if day.date > today:
            return f"day {day.number} of {len(days)} is {show_date(day.date)}"
    return f"ended {show_date(days[-1].date)}"


def cohorts_days(cohort: Cohort, playbook: Playbook) -> list[Any]:
    return class_days.days_of(cohort, playbook)


# -- staff -----------------------------------------------------------------------------------
def _role_in(person: Person, cohort: Cohort) -> str:
    if person.id == cohort.tl_id:
        return "team lead"
    if person.id == cohort.pm_id:
        return "production manager"
    return "admin" if person.role == Role.ADMIN else ""


def staff_panels(session: Session, playbook: Playbook, viewer: Person, now: datetime) -> list[CohortPanel]:
    """Every class the viewer works with, from one query per kind of record for all of them."""
    classes = cohorts.visible_to(session, viewer)
    held = class_days.held_dates_of_classes(session, classes)
    days = {c.id: class_days.days_of(c, playbook, held=held[c.id]) for c in classes}
    ordered = _current_first(classes, days, now)
    labels = {c.key: c.label for c in playbook.red_flags.categories}
    flags = home_rows.open_flags_of_classes(session, [c.id for c in classes])
    help_open = home_rows.open_help_of_classes(session, [c.id for c in classes])
    flag_count: dict[int, int] = {}
    for flag in flags:
        flag_count[flag.person_id] = flag_count.get(flag.person_id, 0) + 1
    rows = home_rows.rows_of_classes(
        session,
        playbook,
        classes,
        held,
        red_flags=flag_count,
        in_help_queue={r.person_id for r in help_open},
        now=now,
    )
    return [
        CohortPanel(
            name=cohort.name,
            channel_id=cohort.channel_id,
            when=when_text(cohort, playbook, now, days[cohort.id]),
            agents=rows[cohort.id],
            flags=[card_of(f, labels) for f in flags if f.cohort_id == cohort.id],
            help_lines=[_help_line(r, cohort.timezone) for r in help_open if r.cohort_id == cohort.id],
            role=_role_in(viewer, cohort),
        )
        for cohort in ordered
    ]


def _help_line(request: Any, timezone: str) -> str:
    status = getattr(request, "status", "")
    room = getattr(request, "room", None)
    asked = clock_time(local(request.requested_at, timezone).time())
    where = f"in room {room}" if room else status
    topic = (getattr(request, "text", "") or getattr(request, "topic_key", "") or "").strip()
    return f":raising_hand: *{escape_line(request.person.name)}* since {asked} ({where}){f': {topic[:80]}' if topic else ''}"


def form_buttons() -> list[FormButton]:
    """The buttons that open the five tracking forms (value "": the agent is picked in the form)."""
    return [
        FormButton(label=FORM_NAMES[kind], action_id=action_id, value="")
        for kind, action_id in ids.ACTION_FORM_OPEN.items()
    ]


# -- everyone ----------------------------------------------------------------------------------
def view_for(session: Session, playbook: Playbook, slack_user_id: str, now: datetime) -> dict[str, Any]:
    """The Home view for this Slack user: staff, ESP manager, agent, or someone the bot does not know."""
    person = people.by_slack_id(session, slack_user_id)
    if person is None:
        return home_blocks.stranger_home(people.UNKNOWN_USER_HELP)
    if person.role == Role.ESP_MANAGER:
        labels = {c.key: c.label for c in playbook.red_flags.categories}
        return home_blocks.esp_manager_home(
            person.name, [card_of(f, labels) for f in red_flags.open_flags(session)]
        )
    if person.role == Role.AGENT:
        return home_blocks.agent_home(agent_home(session, playbook, person, now))
    return home_blocks.staff_home(
        person.name,
        staff_panels(session, playbook, person, now),
        form_buttons(),
        admin=person.role == Role.ADMIN,
    )


def _current_first(found: list[Cohort], days: dict[int, list[Any]], now: datetime) -> list[Cohort]:
    """Classes running or coming first, then finished ones newest first."""

    def finished(c: Cohort) -> bool:
        return bool(days[c.id]) and days[c.id][-1].date < local(now, c.timezone).date()

    running = [c for c in found if not finished(c)]
    done = sorted((c for c in found if finished(c)), key=lambda c: c.start_date, reverse=True)
    return running + done


def agent_home(session: Session, playbook: Playbook, person: Person, now: datetime) -> AgentHome:
    enrollment = cohorts.enrollment_of(session, person.id)
    if enrollment is None:
        return AgentHome(name=person.name)
    cohort = enrollment.cohort
    days = cohorts_days(cohort, playbook)
    today = local(now, cohort.timezone).date()
    day = next((d for d in days if d.date >= today), None)
    schedule: list[str] = []
    title = "Today"
    if day is not None:
        title = "Today" if day.date == today else f"Next class day: {show_date(day.date)}"
        schedule.append(f"{_at(day.start, cohort.timezone)} class starts (check in with :white_check_mark:)")
        for spot in day.breaks:
            kind = "lunch" if spot.lunch else "break"
            schedule.append(f"{_at(spot.start, cohort.timezone)} {kind} ({spot.minutes} min)")
        schedule.append(f"{_at(day.end, cohort.timezone)} class ends")
    return AgentHome(
        name=person.name,
        cohort_name=cohort.name,
        channel_id=cohort.channel_id,
        when=when_text(cohort, playbook, now),
        schedule=schedule,
        schedule_title=title,
        next_step=progress.next_step(session, person.id, playbook),
        progress=progress.summary(session, person.id, playbook),
        esp=esp_statuses(session, person.id),
        attendance=attendance.day_codes(session, person.id, playbook),
        points=home_rows.points_text(attendance_points.points_for(session, playbook, person.id, now)),
        overdue=progress.overdue_text(cohort, playbook, now, done_steps(session, person.id, playbook)),
    )


def _at(moment: datetime, timezone: str) -> str:
    return clock_time(local(moment, timezone).time())


# -- who opened their Home ----------------------------------------------------------------------
def opened(session: Session, slack_user_id: str, now: datetime) -> None:
    """Record that the person has opened their Home (only they get live updates)."""
    session.execute(
        update(Person)
        .where(Person.slack_user_id == slack_user_id, Person.home_opened_at.is_(None))
        .values(home_opened_at=now)
    )


# -- use case: app_home_opened -------------------------------------------------------
@use_case
def home_view(work: Work) -> dict[str, Any]:
    """The caller's Home tab; someone the bot does not know is told how to get added."""
    if people.by_slack_id(work.session, work.caller.user_id) is None:
        return home_blocks.stranger_home(people.UNKNOWN_USER_HELP)
    actor = work.allow(Action.HOME_VIEW)
    # Only people who have opened their Home get live updates.
    opened(work.session, actor.slack_user_id, work.now)
    view = view_for(work.session, work.playbook, actor.slack_user_id, work.now)
    if actor.role in (Role.TL, Role.PM, Role.ADMIN):
        _record_blocked_shown(work, actor)
    return view


def _record_blocked_shown(work: Work, viewer: Person) -> None:
    """A staff Home marks an agent blocked on an exam whose attempts are used up: a failed-exam
    record, read. Recorded when the person opens their Home (one SELECT and one INSERT), never on
    the live refreshes the bot pushes, which nobody asked to read."""
    classes = [c.id for c in cohorts.visible_to(work.session, viewer)]
    blocked = home_rows.blocked_in_classes(work.session, classes)
    record_reads.record_many(
        work.session,
        reader=viewer.slack_user_id,
        what=record_reads.FAILED_EXAMS,
        at=work.now,
        rows=[
            (pid, f"the App Home: blocked for {', '.join(items)}") for pid, items in sorted(blocked.items())
        ],
    )
