"""The managers' morning report: per class in progress, the day and the agents behind pace;
agents with AHIP/Aetna still open after the playbook's day; agents ESP-complete but not yet moved to
production, and for how long; red flags open too long; carriers' attempt limits reached.

Every ESP manager gets one DM with every class; each PM one DM with their own classes. Exactly once
per person and day (the outbox key), whatever retries or restarts happen around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.calendar import class_days
from bot.calendar.dayplan import business_days
from bot.certs import service as certs
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import people
from bot.core.text import escape_line
from bot.core.timefmt import days_ago, local, reader_zone, show_date
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from bot.pictures.service import MorningRecipient
from bot.progress import service as progress
from bot.progress.steps import carrier_name, done_steps, step_label, steps_of
from bot.red_flags import service as red_flags
from bot.reports import morning_blocks as report_blocks
from bot.reports.types import ClassPart
from db.models import Cohort, Person, Role


def _day_text(dates: list[date], today: date) -> tuple[str, int | None]:
    """How the class stands today, and the last training day already over (its pace is due)."""
    finished = [n for n, d in enumerate(dates, start=1) if d < today]
    last_done = finished[-1] if finished else None
    if today in dates:
        return f"day {dates.index(today) + 1} of {len(dates)}", last_done
    if today > dates[-1]:
        return f"ended {show_date(dates[-1])}", last_done
    return f"no class today (day {len(finished) + 1} is next)", last_done


def class_part(
    session: Session,
    playbook: Playbook,
    cohort: Cohort,
    today: date,
    now: datetime,
    reader_tz: str | None = None,
) -> ClassPart:
    """The class's part of the report, its dates and day counts on the reader's calendar."""
    policy = playbook.morning_report
    zone = reader_zone(reader_tz, cohort.timezone)
    dates = class_days.dates_of(cohort, playbook)
    text, last_done = _day_text(dates, today)
    part = ClassPart(cohort.id, cohort.pm_id, cohort.name, text)
    agents = cohorts.active_agents(session, cohort.id)
    if last_done is not None:
        for agent, gap in progress.behind_pace(session, cohort, playbook, last_done):
            part.behind.append(f"{escape_line(agent.name)}: {progress.describe(playbook, gap)}")
    calendar = class_days.calendar_of(cohort, playbook)
    due = business_days(
        cohort.start_date, policy.carriers_due_day, calendar, class_days.held_dates(session, cohort)
    )
    flag_age = timedelta(days=policy.red_flag_days)
    for agent in agents:
        states = esp.statuses(session, agent.id)
        if today > due[-1]:
            open_items = [
                states[i].label
                for i in policy.carrier_items
                if i in states and states[i].status != esp.COMPLETE
            ]
            if open_items:
                part.carriers_open.append(f"{escape_line(agent.name)}: {', '.join(open_items)}")
        since = _complete_since(states)
        if since is not None and now - since >= timedelta(days=policy.waiting_production_days):
            part.waiting_production.append(
                f"{escape_line(agent.name)}: ESP-complete since {show_date(local(since, zone).date())} "
                f"({days_ago(since, now, zone)})"
            )
        year = certs.year_of(now, cohort.timezone)
        counts = certs.attempts_by_carrier(session, agent.id, playbook, year)
        names = {exam.key: exam.name for exam in playbook.exams}
        for key in certs.blocked_carriers(session, agent.id, playbook, now, cohort.timezone):
            name = names.get(key, key)
            part.at_limit.append(
                f"{escape_line(agent.name)}: {escape_line(name)}, {counts.get(key, 0)} failed attempts (the limit)"
            )
    part.incomplete = incomplete_lists(session, playbook, cohort, agents, today)
    part.moved = moved_lately(session, playbook, cohort, now)
    for flag in red_flags.open_for_cohort(session, cohort.id):
        if now - flag.raised_at > flag_age:
            part.old_flags.append(
                f"{escape_line(flag.person.name)}: {flag.description} (open {days_ago(flag.raised_at, now, zone)})"
            )
    return part


def _complete_since(states: dict[str, esp.ItemState]) -> datetime | None:
    """When the agent's last tracker item was completed, when every item is."""
    if not all(s.status == esp.COMPLETE for s in states.values()):
        return None
    return max(s.changed_at for s in states.values() if s.changed_at is not None)


def _thing_label(playbook: Playbook, thing: str) -> str:
    if thing in esp.ITEMS:
        return esp.ITEMS[thing]
    carrier, _, step = thing.partition(" ")
    return step_label(playbook, carrier, step) if step else carrier_name(playbook, carrier)


def _is_done(thing: str, states: dict[str, esp.ItemState], done: set[str], playbook: Playbook) -> bool:
    if thing in esp.ITEMS and states[thing].status == esp.COMPLETE:
        return True
    if " " in thing:
        return thing in done
    keys = {f"{thing} {s.key}" for s in steps_of(playbook, thing)}
    return bool(keys) and keys <= done


def incomplete_lists(
    session: Session, playbook: Playbook, cohort: Cohort, agents: list[Person], today: date
) -> list[tuple[str, list[str]]]:
    """The playbook's own lists (`morning_report.incomplete`), each with the agents it names."""
    calendar = class_days.calendar_of(cohort, playbook)
    held = class_days.held_dates(session, cohort)
    found = []
    for rule in playbook.morning_report.incomplete:
        lines = []
        for agent in agents:
            states = esp.statuses(session, agent.id)
            done = done_steps(session, agent.id, playbook)
            missing = [t for t in rule.items if not _is_done(t, states, done, playbook)]
            if not missing:
                continue
            if rule.since == "class_start":
                due = (
                    business_days(cohort.start_date, rule.after_days, calendar, held)
                    if rule.after_days
                    else []
                )
                if due and today <= due[-1]:
                    continue
                suffix = ""
            else:
                started = [
                    states[t].changed_at
                    for t in rule.items
                    if t in states
                    and states[t].status != esp.NOT_STARTED
                    and states[t].changed_at is not None
                ]
                if not started:
                    continue
                first = local(min(d for d in started if d is not None), cohort.timezone).date()
                passed = sum(
                    1 for n in range(1, (today - first).days) if calendar.is_open(first + timedelta(days=n))
                )
                if passed < rule.after_days:
                    continue
                suffix = f" (started {show_date(first)})"
            labels = ", ".join(escape_line(_thing_label(playbook, t)) for t in missing)
            lines.append(f"{escape_line(agent.name)}: {labels}{suffix}")
        if lines:
            found.append((rule.title, lines))
    return found


def moved_lately(session: Session, playbook: Playbook, cohort: Cohort, now: datetime) -> list[str]:
    """Agents moved to production within the playbook's last days, with who moved them."""
    days = playbook.morning_report.moved_to_production_days
    if days is None:
        return []
    lines = []
    for enrollment in cohorts.tracked_enrollments(session, cohort.id):
        moved = enrollment.moved_to_production_at
        if moved is None or now - moved > timedelta(days=days):
            continue
        mover = (
            session.get(Person, enrollment.moved_to_production_by_id)
            if enrollment.moved_to_production_by_id
            else None
        )
        by = f" by {escape_line(mover.name)}" if mover else ""
        lines.append(
            f"{escape_line(enrollment.person.name)}: {show_date(local(moved, cohort.timezone).date())}{by}"
        )
    return lines


def classes_in_view(session: Session, playbook: Playbook, today: date) -> list[Cohort]:
    """Classes that have begun and still have agents on the active lists."""
    found = []
    for cohort in cohorts.all_cohorts(session):
        dates = class_days.dates_of(cohort, playbook)
        if dates and dates[0] <= today and cohorts.active_enrollments(session, cohort.id):
            found.append(cohort)
    return found


@dataclass(frozen=True)
class Recipient:
    person_id: int
    slack_user_id: str
    role: str
    parts: list[ClassPart]


def audience(session: Session, classes: list[Cohort]) -> list[tuple[Person, str, list[Cohort]]]:
    """Who reads the report, as what, about which classes: every ESP manager all of them, each PM
    (who is not an ESP manager) their own."""
    found: list[tuple[Person, str, list[Cohort]]] = []
    if classes:
        for manager in people.by_role(session, Role.ESP_MANAGER):
            found.append((manager, "esp_manager", classes))
    for pm_id in sorted({c.pm_id for c in classes}):
        pm = session.get(Person, pm_id)
        if pm is not None and pm.role != Role.ESP_MANAGER:
            found.append((pm, "pm", [c for c in classes if c.pm_id == pm_id]))
    return found


def recipients(session: Session, playbook: Playbook, today: date, now: datetime) -> list[Recipient]:
    classes = classes_in_view(session, playbook, today)
    # Each reader's part is drawn on their own calendar: dates and day counts in their zone.
    return [
        Recipient(
            person.id,
            person.slack_user_id,
            role,
            [class_part(session, playbook, c, today, now, person.timezone) for c in theirs],
        )
        for person, role, theirs in audience(session, classes)
    ]


@use_case
def send_report(work: Work, today: date) -> list[str]:
    """The day's report to each ESP manager and PM, once each; whom it goes to now (Slack IDs)."""
    sent = []
    for target in recipients(work.session, work.playbook, today, work.now):
        text, blocks = report_blocks.report(today, target.parts, everyone=target.role == "esp_manager")
        key = f"morning-report:{today.isoformat()}:{target.person_id}"
        work.notify(key=key, kind="morning_report", recipient=target.slack_user_id, text=text, blocks=blocks)
        if key in work.enqueued:
            sent.append(target.slack_user_id)
    return sent


@use_case
def picture_recipients(work: Work, today: date) -> list[MorningRecipient]:
    """Whom the morning's pictures go to, with the classes of their report: the same people and
    the same classes as the report itself."""
    classes = classes_in_view(work.session, work.playbook, today)
    return [
        MorningRecipient(person.id, person.slack_user_id, [c.id for c in theirs])
        for person, _role, theirs in audience(work.session, classes)
    ]
