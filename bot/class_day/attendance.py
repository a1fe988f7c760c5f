"""Attendance: check-ins, hand raises and lowers, tardy/absent/MIA flags, and the day's code.

Windows come from the day plan (bot/dayplan.py) and the playbook's attendance section. The bot
proposes a code per agent and day from what it saw; a TL may set another (kept, audited).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action
from bot.calendar import class_days
from bot.calendar.dayplan import DayTimes
from bot.class_day import early_reactions
from bot.class_day import presence as g2t_presence
from bot.class_day.playbook import AttendancePolicy
from bot.class_day.types import AgentDay, AgentDays, ClassDay, MiaForm
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, people
from bot.core import event_dedup as events
from bot.core.errors import Conflict, InvalidInput, NotFound
from bot.core.text import NOTE, escape_line, require_length, shorten
from bot.core.timefmt import local
from bot.core.unit_of_work import Work, use_case
from db.models import (
    AttendanceCheck,
    AttendanceCodeChoice,
    AttendanceFlag,
    Cohort,
    DayPrompt,
    Enrollment,
    G2TPresence,
    Notification,
    Person,
    Role,
)
from db.models.attendance_check import CHECKIN, LOWERED, RAISED
from db.models.attendance_flag import ABSENT, EXCUSED, MIA, OPEN, PRESENT, TARDY
from db.models.day_prompt import LOWER, MORNING, RAISE

CHECK_REACTION = "white_check_mark"
HAND_REACTION = "raised_hand"


# -- the plan --------------------------------------------------------------------------------
def days_of(cohort: Cohort, playbook: Playbook) -> list[DayTimes]:
    return class_days.days_of(cohort, playbook)


def day_of(cohort: Cohort, playbook: Playbook, day: int) -> DayTimes:
    days = days_of(cohort, playbook)
    if not 1 <= day <= len(days):
        raise NotFound(f"{escape_line(cohort.name)} has no day {day}; it has {len(days)} days.")
    return days[day - 1]


def today(cohort: Cohort, playbook: Playbook, now: datetime) -> DayTimes | None:
    """The training day whose date is today's in the cohort's timezone, if any."""
    local_date = local(now, cohort.timezone).date()
    return next((d for d in days_of(cohort, playbook) if d.date == local_date), None)


# -- prompts ---------------------------------------------------------------------------------
def prompt_key(cohort_id: int, day: int, kind: str, break_no: int = 0) -> str:
    return f"prompt:{cohort_id}:day:{day}:{kind}:{break_no}"


def record_prompt(
    session: Session, *, cohort_id: int, day: int, kind: str, break_no: int, now: datetime
) -> DayPrompt:
    key = prompt_key(cohort_id, day, kind, break_no)
    existing = session.scalar(select(DayPrompt).where(DayPrompt.key == key))
    if existing is not None:
        return existing
    prompt = DayPrompt(key=key, cohort_id=cohort_id, day=day, kind=kind, break_no=break_no, posted_at=now)
    session.add(prompt)
    session.flush()
    audit.record(
        session,
        actor="bot",
        action=f"prompt.{kind}",
        entity="cohort",
        entity_id=cohort_id,
        at=now,
        details={"day": day, "break": break_no},
    )
    return prompt


def prompt_for_message(session: Session, channel_id: str, ts: str) -> DayPrompt | None:
    stmt = (
        select(DayPrompt)
        .join(Notification, Notification.key == DayPrompt.key)
        .where(Notification.channel_id == channel_id, Notification.ts == ts)
    )
    return session.scalars(stmt).first()


# -- reactions -------------------------------------------------------------------------------
def react(
    session: Session,
    playbook: Playbook,
    *,
    channel_id: str,
    ts: str,
    user_id: str,
    reaction: str,
    added: bool,
    now: datetime,
    keep_early: bool = True,
) -> str | None:
    """Apply a reaction to a prompt; returns what it counted as, or None when it changes nothing
    (not a prompt, not an agent of the cohort, the wrong emoji, or outside the window). A reaction
    in a class channel to a message not known yet may answer a prompt whose ts another replica is
    still recording: it is kept and applied as of now once the prompt is known (`apply_early`)."""
    name = reaction.split("::")[0]
    prompt = prompt_for_message(session, channel_id, ts)
    if prompt is None:
        if (
            keep_early
            and name in (CHECK_REACTION, HAND_REACTION)
            and _agent_in_class(session, channel_id, user_id)
        ):
            early_reactions.keep(
                session,
                channel_id=channel_id,
                ts=ts,
                user_id=user_id,
                reaction=reaction,
                added=added,
                now=now,
            )
        return None
    person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
    if person is None or not _enrolled(session, prompt.cohort_id, person.id):
        return None
    cohort = cohorts.by_id(session, prompt.cohort_id)
    policy = playbook.attendance
    day = day_of(cohort, playbook, prompt.day)
    if now > day.end or now < prompt.posted_at - timedelta(minutes=1):
        return None
    if prompt.kind == MORNING and added and name == CHECK_REACTION:
        return _check(
            session, cohort.id, person.id, day.number, CHECKIN, 0, now, now > day.checkin_closes(policy)
        )
    if prompt.kind == RAISE and name == HAND_REACTION:
        spot = day.break_no(prompt.break_no)
        if added and now <= spot.end:
            return _check(
                session,
                cohort.id,
                person.id,
                day.number,
                RAISED,
                spot.number,
                now,
                now > spot.raise_closes(policy),
            )
        if not added and now >= spot.start:
            return _check(
                session,
                cohort.id,
                person.id,
                day.number,
                LOWERED,
                spot.number,
                now,
                now > spot.lower_closes(policy),
            )
        return None
    if prompt.kind == LOWER and added and name == CHECK_REACTION:
        spot = day.break_no(prompt.break_no)
        return _check(
            session,
            cohort.id,
            person.id,
            day.number,
            LOWERED,
            spot.number,
            now,
            now > spot.lower_closes(policy),
        )
    return None


def apply_early(
    session: Session, playbook: Playbook, now: datetime, channel_ids: list[str] | None = None
) -> int:
    """Apply the kept reactions whose prompt is now known, each as of the moment it arrived;
    returns how many counted. Run after a prompt's post and before every check of the answers."""
    rows = early_reactions.matched(session, channel_ids)
    counted = 0
    for row in rows:
        counted += (
            react(
                session,
                playbook,
                channel_id=row.channel_id,
                ts=row.ts,
                user_id=row.user_id,
                reaction=row.reaction,
                added=row.added,
                now=row.received_at,
                keep_early=False,
            )
            is not None
        )
    early_reactions.forget(session, rows, now=now)
    return counted


def _agent_in_class(session: Session, channel_id: str, user_id: str) -> bool:
    cohort = cohorts.for_channel(session, channel_id)
    person = session.scalar(select(Person.id).where(Person.slack_user_id == user_id))
    return cohort is not None and person is not None and _enrolled(session, cohort.id, person)


def _enrolled(session: Session, cohort_id: int, person_id: int) -> bool:
    return (
        session.scalar(
            select(Enrollment.id).where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.person_id == person_id,
                Enrollment.status == "active",
            )
        )
        is not None
    )


def _check(
    session: Session,
    cohort_id: int,
    person_id: int,
    day: int,
    kind: str,
    break_no: int,
    now: datetime,
    late: bool,
) -> str | None:
    """The first answer counts; a repeat (or a second emoji) changes nothing."""
    if _find_check(session, cohort_id, person_id, day, kind, break_no) is not None:
        return None
    try:
        with session.begin_nested():
            session.add(
                AttendanceCheck(
                    cohort_id=cohort_id,
                    person_id=person_id,
                    day=day,
                    kind=kind,
                    break_no=break_no,
                    at=now,
                    late=late,
                )
            )
    except IntegrityError:
        return None
    audit.record(
        session,
        actor="bot",
        action=f"attendance.{kind}",
        entity="person",
        entity_id=person_id,
        at=now,
        details={"cohort_id": cohort_id, "day": day, "break": break_no, "late": late},
    )
    return f"{kind}{' (late)' if late else ''}"


def _find_check(
    session: Session, cohort_id: int, person_id: int, day: int, kind: str, break_no: int
) -> AttendanceCheck | None:
    return session.scalar(
        select(AttendanceCheck).where(
            AttendanceCheck.cohort_id == cohort_id,
            AttendanceCheck.person_id == person_id,
            AttendanceCheck.day == day,
            AttendanceCheck.kind == kind,
            AttendanceCheck.break_no == break_no,
        )
    )


def checks_of_day(session: Session, cohort_id: int, day: int) -> list[AttendanceCheck]:
    return list(
        session.scalars(
            select(AttendanceCheck)
            .where(AttendanceCheck.cohort_id == cohort_id, AttendanceCheck.day == day)
            .order_by(AttendanceCheck.at)
        )
    )


# -- flags -----------------------------------------------------------------------------------
def _flag(
    session: Session, cohort_id: int, person_id: int, day: int, kind: str, break_no: int, now: datetime
) -> AttendanceFlag | None:
    """Mark once; returns the new flag, or None when it was already marked."""
    existing = session.scalar(
        select(AttendanceFlag.id).where(
            AttendanceFlag.cohort_id == cohort_id,
            AttendanceFlag.person_id == person_id,
            AttendanceFlag.day == day,
            AttendanceFlag.kind == kind,
            AttendanceFlag.break_no == break_no,
        )
    )
    if existing is not None:
        return None
    flag = AttendanceFlag(
        cohort_id=cohort_id,
        person_id=person_id,
        day=day,
        kind=kind,
        break_no=break_no,
        flagged_at=now,
        status=OPEN,
    )
    try:
        with session.begin_nested():
            session.add(flag)
    except IntegrityError:
        return None
    audit.record(
        session,
        actor="bot",
        action=f"attendance.flag.{kind}",
        entity="person",
        entity_id=person_id,
        at=now,
        details={"cohort_id": cohort_id, "day": day, "break": break_no},
    )
    return flag


def flags_of_day(
    session: Session, cohort_id: int, day: int, kind: str | None = None, break_no: int | None = None
) -> list[AttendanceFlag]:
    stmt = select(AttendanceFlag).where(AttendanceFlag.cohort_id == cohort_id, AttendanceFlag.day == day)
    if kind is not None:
        stmt = stmt.where(AttendanceFlag.kind == kind)
    if break_no is not None:
        stmt = stmt.where(AttendanceFlag.break_no == break_no)
    return list(session.scalars(stmt.order_by(AttendanceFlag.id)))


def _checked_in_by(session: Session, cohort_id: int, day: int, moment: datetime) -> set[int]:
    return {
        c.person_id for c in checks_of_day(session, cohort_id, day) if c.kind == CHECKIN and c.at <= moment
    }


def mark_tardy(session: Session, playbook: Playbook, cohort: Cohort, day: int, now: datetime) -> list[Person]:
    """Agents not checked in by start plus grace: marked tardy. Returns everyone still missing."""
    apply_early(session, playbook, now, [cohort.channel_id])
    present = _checked_in_by(session, cohort.id, day, now)
    missing = [p for p in cohorts.active_agents(session, cohort.id) if p.id not in present]
    for person in missing:
        _flag(session, cohort.id, person.id, day, TARDY, 0, now)
    return missing


def mark_absent(
    session: Session, playbook: Playbook, cohort: Cohort, day: int, now: datetime
) -> list[Person]:
    apply_early(session, playbook, now, [cohort.channel_id])
    present = _checked_in_by(session, cohort.id, day, now)
    missing = [p for p in cohorts.active_agents(session, cohort.id) if p.id not in present]
    for person in missing:
        _flag(session, cohort.id, person.id, day, ABSENT, 0, now)
    return missing


def check_break(
    session: Session, playbook: Playbook, cohort: Cohort, day_no: int, break_no: int, now: datetime
) -> list[AttendanceFlag]:
    """At break end plus grace: mark MIA who missed the raise or the lower (per the playbook's rule).
    Agents not checked in when the break started are absent or tardy, not MIA. Returns this
    break's MIA flags (new or not), in name order."""
    apply_early(session, playbook, now, [cohort.channel_id])
    policy = playbook.attendance
    day = day_of(cohort, playbook, day_no)
    spot = day.break_no(break_no)
    checks = checks_of_day(session, cohort.id, day_no)
    on_time = {(c.person_id, c.kind, c.break_no) for c in checks if not c.late}
    present = {c.person_id for c in checks if c.kind == CHECKIN and c.at <= spot.start}
    for person in cohorts.active_agents(session, cohort.id):
        if person.id not in present:
            continue
        if _missed(policy, on_time, person.id, break_no):
            _flag(session, cohort.id, person.id, day_no, MIA, break_no, now)
    flags = flags_of_day(session, cohort.id, day_no, MIA, break_no)
    return sorted(flags, key=lambda f: f.person.name)


def _missed(
    policy: AttendancePolicy, on_time: set[tuple[int, str, int]], person_id: int, break_no: int
) -> bool:
    missed_raise = (person_id, RAISED, break_no) not in on_time
    missed_lower = (person_id, LOWERED, break_no) not in on_time
    if policy.mia_rule == "any_miss":
        return missed_raise or missed_lower
    if missed_raise and missed_lower:
        return True
    previous_lower_missed = break_no > 1 and (person_id, LOWERED, break_no - 1) not in on_time
    return missed_raise and previous_lower_missed


def require_flag(session: Session, flag_id: int) -> AttendanceFlag:
    flag = session.get(AttendanceFlag, flag_id)
    if flag is None:
        raise NotFound("That attendance mark no longer exists.")
    return flag


def resolve_flag(
    session: Session, flag_id: int, *, decision: str, actor: Person, reason: str, now: datetime
) -> AttendanceFlag:
    """Excuse an MIA (or tardy) or mark the agent present; who, when and why are kept."""
    if decision not in (EXCUSED, PRESENT):
        raise InvalidInput("Choose Excuse or Mark present.")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why, in a few words (it goes on the attendance record).")
    flag = require_flag(session, flag_id)
    before = flag.status
    flag.status = decision
    flag.resolved_by_id = actor.id
    flag.resolved_at = now
    flag.reason = reason
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action=f"attendance.flag.{decision}",
        entity="attendance_flag",
        entity_id=flag.id,
        at=now,
        details={
            "before": before,
            "reason": reason,
            "kind": flag.kind,
            "person_id": flag.person_id,
            "day": flag.day,
        },
    )
    return flag


# -- codes -----------------------------------------------------------------------------------
def _proposed_key(
    policy: AttendancePolicy, day: DayTimes, checkin: AttendanceCheck | None, open_mias: int
) -> str:
    if checkin is None:
        return "absent_unapproved"
    minutes_late = 0
    if checkin.late:
        minutes_late = max(0, int((checkin.at - day.start).total_seconds() // 60))
    if minutes_late > policy.absent_after_missing_hours * 60:
        return "absent_unapproved"
    if open_mias:
        return "mia"
    if minutes_late:
        return "tardy_under_1h" if minutes_late < policy.tardy_long_minutes else "tardy_over_1h"
    return "full_day"


def agent_day(session: Session, playbook: Playbook, cohort: Cohort, person: Person, day_no: int) -> AgentDay:
    checks = list(
        session.scalars(
            select(AttendanceCheck)
            .where(
                AttendanceCheck.cohort_id == cohort.id,
                AttendanceCheck.day == day_no,
                AttendanceCheck.person_id == person.id,
            )
            .order_by(AttendanceCheck.at)
        )
    )
    flags = list(
        session.scalars(
            select(AttendanceFlag)
            .where(
                AttendanceFlag.cohort_id == cohort.id,
                AttendanceFlag.day == day_no,
                AttendanceFlag.person_id == person.id,
            )
            .order_by(AttendanceFlag.id)
        )
    )
    choice = session.scalar(
        select(AttendanceCodeChoice).where(
            AttendanceCodeChoice.cohort_id == cohort.id,
            AttendanceCodeChoice.person_id == person.id,
            AttendanceCodeChoice.day == day_no,
        )
    )
    presence = session.scalar(
        select(G2TPresence).where(
            G2TPresence.cohort_id == cohort.id, G2TPresence.day == day_no, G2TPresence.person_id == person.id
        )
    )
    return _agent_day(playbook, day_of(cohort, playbook, day_no), person, checks, flags, choice, presence)


def day_table(session: Session, playbook: Playbook, cohort: Cohort, day_no: int) -> list[AgentDay]:
    """Every agent's day, from three queries for the whole class (not three per agent)."""
    checks: dict[int, list[AttendanceCheck]] = defaultdict(list)
    for check in checks_of_day(session, cohort.id, day_no):
        checks[check.person_id].append(check)
    flags: dict[int, list[AttendanceFlag]] = defaultdict(list)
    for flag in flags_of_day(session, cohort.id, day_no):
        flags[flag.person_id].append(flag)
    choices = {
        c.person_id: c
        for c in session.scalars(
            select(AttendanceCodeChoice).where(
                AttendanceCodeChoice.cohort_id == cohort.id, AttendanceCodeChoice.day == day_no
            )
        )
    }
    presence = {
        row.person_id: row
        for row in session.scalars(
            select(G2TPresence).where(G2TPresence.cohort_id == cohort.id, G2TPresence.day == day_no)
        )
    }
    day = day_of(cohort, playbook, day_no)
    return [
        _agent_day(playbook, day, p, checks[p.id], flags[p.id], choices.get(p.id), presence.get(p.id))
        for p in cohorts.active_agents(session, cohort.id)
    ]


def _agent_day(
    playbook: Playbook,
    day: DayTimes,
    person: Person,
    checks: list[AttendanceCheck],
    flags: list[AttendanceFlag],
    choice: AttendanceCodeChoice | None,
    presence: G2TPresence | None = None,
) -> AgentDay:
    policy = playbook.attendance
    checkin = next((c for c in checks if c.kind == CHECKIN), None)
    open_mias = [f.break_no for f in flags if f.kind == MIA and f.status == OPEN]
    real = _presence_of(presence)
    if choice is not None:
        key = base = choice.code
    elif real is not None:
        key = _proposed_from_g2t(playbook, day, real, len(open_mias))
        base = _proposed_from_g2t(playbook, day, real, 0)
    else:
        key = _proposed_key(policy, day, checkin, len(open_mias))
        base = _proposed_key(policy, day, checkin, 0)
    late: int | None = None
    early: int | None = None
    if real is not None:
        late, early = g2t_presence.late_minutes(day, real), g2t_presence.early_minutes(day, real)
    elif checkin is not None:
        late = max(0, int((checkin.at - day.start).total_seconds() // 60)) if checkin.late else 0
    row = AgentDay(
        presence_code=base,
        minutes_late=late,
        minutes_early=early,
        person_id=person.id,
        name=person.name,
        slack_user_id=person.slack_user_id,
        day=day.number,
        code_key=key,
        code_label=policy.label(key),
        chosen=choice is not None,
        checkin_at=checkin.at if checkin else None,
        checkin_late=bool(checkin and checkin.late),
        tardy=any(f.kind == TARDY for f in flags),
        absent=any(f.kind == ABSENT for f in flags),
        mia_breaks=sorted(open_mias),
        cleared_mia_breaks=sorted(f.break_no for f in flags if f.kind == MIA and f.status != OPEN),
        late_answers=sum(1 for c in checks if c.late and c.kind != CHECKIN),
    )
    if real is not None:
        _add_g2t(row, playbook, day, real)
    return row


# -- real presence from GoTo Training ---------------------------------------------
def _presence_of(row: G2TPresence | None) -> g2t_presence.Presence | None:
    if row is None:
        return None
    gaps = [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in row.gaps]
    return g2t_presence.Presence(row.first_join, row.last_leave, row.minutes, row.missed_minutes, gaps)


def _proposed_from_g2t(playbook: Playbook, day: DayTimes, real: g2t_presence.Presence, open_mias: int) -> str:
    """Real presence decides; an open MIA still shows as MIA unless presence says Absent."""
    code = g2t_presence.proposed_code(day, real, playbook.attendance, playbook.g2t)
    if code == "absent_unapproved":
        return code
    if open_mias:
        return "mia"
    return code or "full_day"


def _add_g2t(row: AgentDay, playbook: Playbook, day: DayTimes, real: g2t_presence.Presence) -> None:
    row.g2t_minutes = real.minutes
    row.g2t_first_join, row.g2t_last_leave, row.g2t_gaps = real.first_join, real.last_leave, real.gaps
    slack = timedelta(minutes=playbook.attendance.lower_grace_minutes)
    for number in row.mia_breaks + row.cleared_mia_breaks:
        if number <= len(day.breaks):
            spot = day.break_no(number)
            away = g2t_presence.away_around(real.gaps, spot.start, spot.end, slack)
            row.g2t_mia_away[number] = away is not None or real.minutes == 0


def days_held(session: Session, cohort_id: int) -> list[int]:
    """Training days that have begun (their morning post went out)."""
    return sorted(
        set(
            session.scalars(
                select(DayPrompt.day).where(DayPrompt.cohort_id == cohort_id, DayPrompt.kind == MORNING)
            )
        )
    )


def agent_record(session: Session, playbook: Playbook, cohort: Cohort, person: Person) -> list[AgentDay]:
    return [agent_day(session, playbook, cohort, person, d) for d in days_held(session, cohort.id)]


def set_code(
    session: Session,
    playbook: Playbook,
    cohort: Cohort,
    person: Person,
    day_no: int,
    code: str,
    *,
    actor: Person,
    reason: str,
    now: datetime,
) -> AgentDay:
    chosen = playbook.attendance.code_for(code)
    if chosen is None:
        keys = ", ".join(f"`{c.key}`" for c in playbook.attendance.codes)
        raise InvalidInput(f"`{code}` is not an attendance code. Use one of: {keys}.")
    day_of(cohort, playbook, day_no)
    before = agent_day(session, playbook, cohort, person, day_no)
    row = session.scalar(
        select(AttendanceCodeChoice).where(
            AttendanceCodeChoice.cohort_id == cohort.id,
            AttendanceCodeChoice.person_id == person.id,
            AttendanceCodeChoice.day == day_no,
        )
    )
    if row is None:
        row = AttendanceCodeChoice(
            cohort_id=cohort.id,
            person_id=person.id,
            day=day_no,
            code=chosen.key,
            set_by_id=actor.id,
            set_at=now,
            reason=reason or None,
        )
        session.add(row)
    else:
        row.code, row.set_by_id, row.set_at, row.reason = chosen.key, actor.id, now, reason or None
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="attendance.code.set",
        entity="person",
        entity_id=person.id,
        at=now,
        details={
            "cohort_id": cohort.id,
            "day": day_no,
            "before": before.code_key,
            "after": chosen.key,
            "reason": reason,
        },
    )
    return agent_day(session, playbook, cohort, person, day_no)


# -- what other capabilities call ------------------------------------------------------------
def mia_count(session: Session, person_id: int) -> int:
    """MIA marks on the agent's record that nobody excused or cleared."""
    return len(
        list(
            session.scalars(
                select(AttendanceFlag.id).where(
                    AttendanceFlag.person_id == person_id,
                    AttendanceFlag.kind == MIA,
                    AttendanceFlag.status == OPEN,
                )
            )
        )
    )


def day_codes(session: Session, person_id: int, playbook: Playbook) -> list[tuple[int, str]]:
    """(day number, code label) for each held day of the agent's current cohort."""
    enrollment = cohorts.enrollment_of(session, person_id)
    if enrollment is None:
        return []
    person = session.get(Person, person_id)
    assert person is not None
    return [(row.day, row.code_label) for row in agent_record(session, playbook, enrollment.cohort, person)]


# -- use cases: /attendance, the MIA buttons and their reason modal, reactions ----------
@dataclass(frozen=True)
class CodeChange:
    agent_user_id: str
    day: int
    code: str
    reason: str


@dataclass(frozen=True)
class MiaDecision:
    flag_id: int
    decision: str
    reason: str


@dataclass(frozen=True)
class Reaction:
    event_id: str | None
    channel_id: str
    ts: str
    reaction: str
    added: bool


def _agent_and_class(work: Work, agent_user_id: str, action: Action, doing: str) -> tuple[Person, Cohort]:
    """The agent, their current class, and the policy's yes for `action` on them."""
    agent = people.require_agent(work.session, agent_user_id)
    target = access.agent_target(work.session, agent)
    work.allow(action, target)
    if target.cohort is None:
        raise NotFound(
            f"{escape_line(agent.name)} is not in an active class, so there is no attendance to {doing}."
        )
    return agent, target.cohort


@use_case
def overview(work: Work, channel_id: str) -> ClassDay | AgentDays:
    """/attendance: in a class channel, today's table (or the last day held); an agent sees their own days."""
    if work.actor.role == Role.AGENT:
        return _days_of(work, work.actor.slack_user_id)
    cohort = cohorts.require_for_channel(work.session, channel_id)
    work.allow(Action.ATTENDANCE_READ, access.cohort_target(cohort))
    day = today(cohort, work.playbook, work.now)
    if day is None:
        held = days_held(work.session, cohort.id)
        if not held:
            raise NotFound(f"{escape_line(cohort.name)} has no class day today, and none held yet.")
        day = day_of(cohort, work.playbook, held[-1])
    return ClassDay(cohort.name, day, day_table(work.session, work.playbook, cohort, day.number))


@use_case
def agent_days(work: Work, agent_user_id: str) -> AgentDays:
    """/attendance @agent: one agent's days in their current class."""
    return _days_of(work, agent_user_id)


def _days_of(work: Work, agent_user_id: str) -> AgentDays:
    agent, cohort = _agent_and_class(work, agent_user_id, Action.ATTENDANCE_READ, "show")
    rows = agent_record(work.session, work.playbook, cohort, agent)
    return AgentDays(cohort.name, agent.name, [(day_of(cohort, work.playbook, r.day), r) for r in rows])


def apply_code_change(work: Work, change: CodeChange) -> tuple[Cohort, AgentDay]:
    """/attendance set @agent DAY CODE reason, by the agent's own class's TL or PM (or an admin):
    the class and the agent's day as it stands now."""
    agent, cohort = _agent_and_class(work, change.agent_user_id, Action.ATTENDANCE_SET, "set")
    actor = work.actor
    return cohort, set_code(
        work.session,
        work.playbook,
        cohort,
        agent,
        change.day,
        change.code,
        actor=actor,
        reason=change.reason,
        now=work.now,
    )


def _flag_target(work: Work, flag_id: int) -> AttendanceFlag:
    flag = require_flag(work.session, flag_id)
    work.allow(
        Action.MIA_RESOLVE,
        access.record_target(work.session, flag.cohort_id, flag.person, f"attendance_flag:{flag.id}"),
    )
    return flag


def _already(session: Session, flag: AttendanceFlag) -> str:
    verb = "excused" if flag.status == EXCUSED else "marked present"
    resolver = session.get(Person, flag.resolved_by_id) if flag.resolved_by_id else None
    who = resolver.name if resolver is not None else "Someone"
    return f"{who} already {verb} {escape_line(flag.person.name)} for this mark ({shorten(flag.reason or '', NOTE)}); nothing changed."


@use_case
def mia_form(work: Work, flag_id: int, decision: str) -> MiaForm:
    """The Excuse / Mark present buttons on an MIA alert: the reason modal, for the class's staff."""
    if decision not in (EXCUSED, PRESENT):
        raise InvalidInput("Choose Excuse or Mark present.")
    flag = _flag_target(work, flag_id)
    if flag.status != OPEN:
        raise Conflict(_already(work.session, flag))
    return MiaForm(flag.id, decision, flag.person.name)


def decide_mia(work: Work, data: MiaDecision) -> AttendanceFlag:
    """Excuse the mark or mark the agent present, once, inside the caller's unit of work (the
    MIA alert's use case shows the card again with the decision)."""
    flag = _flag_target(work, data.flag_id)
    # Two staff at once: the second waits for the first, then sees what it wrote.
    work.session.execute(select(AttendanceFlag.id).where(AttendanceFlag.id == flag.id).with_for_update())
    work.session.refresh(flag)
    reason = require_length(data.reason, NOTE, "The reason", field="reason")
    if flag.status != OPEN:
        raise Conflict(_already(work.session, flag), field="reason")
    return resolve_flag(
        work.session, flag.id, decision=data.decision, actor=work.actor, reason=reason, now=work.now
    )


def break_flags(session: Session, cohort_id: int, day: int, break_no: int) -> list[AttendanceFlag]:
    """The MIA marks of one break, as its alert listed them."""
    return list(
        session.scalars(
            select(AttendanceFlag)
            .where(
                AttendanceFlag.cohort_id == cohort_id,
                AttendanceFlag.day == day,
                AttendanceFlag.kind == MIA,
                AttendanceFlag.break_no == break_no,
            )
            .order_by(AttendanceFlag.id)
        )
    )


@use_case
def react_to(work: Work, data: Reaction) -> str | None:
    """reaction_added / reaction_removed on the day's prompts. The event_id is claimed in the same
    transaction as what it records: a retry counts once, and a delivery that failed leaves no
    claim, so its retry still counts."""
    if not events.claim(work.session, data.event_id, work.now):
        return None
    return react(
        work.session,
        work.playbook,
        channel_id=data.channel_id,
        ts=data.ts,
        user_id=work.caller.user_id,
        reaction=data.reaction,
        added=data.added,
        now=work.now,
    )


# -- many classes at once (App Home) --------------------------------------------------------
def agent_day_from(
    playbook: Playbook,
    day: DayTimes,
    person: Person,
    checks: list[AttendanceCheck],
    flags: list[AttendanceFlag],
    choice: AttendanceCodeChoice | None,
    presence: G2TPresence | None = None,
) -> AgentDay:
    """An agent's day from rows the caller read for many classes at once (same rules as day_table)."""
    return _agent_day(playbook, day, person, checks, flags, choice, presence)
