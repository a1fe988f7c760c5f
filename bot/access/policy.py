"""Who may do what to whom: the one authorization policy.

Every command, button and form asks this module, through the service function it calls, before it
reads or writes anything. A decision depends on three things:

- the actor's role (admin, tl, pm, esp_manager, agent);
- the action (one per thing a person can do, reading included);
- the relation between the actor and the target: the record is the actor's own (SELF), the target
  is in one of the classes the actor leads as its TL or PM (OWN_CLASS), it is in a class the actor
  does not lead (OTHER_CLASS), or it belongs to no class at all (NONE: no target, a new class, an
  agent in no active class).

Admins may do everything. A class's TL and PM act on their own classes' agents and records. ESP
managers see red flags and reports across classes, and nothing else unless the playbook grants it
(`access.grants`). Agents act only on their own records. The tests walk this table cell by cell
(tests/kernel/test_access_table.py), so a new action cannot skip it.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.errors import NotAllowed
from bot.core.text import escape_line
from db.models import Cohort, Person, Role

log = logging.getLogger(__name__)


class Action(enum.StrEnum):
    COHORT_LIST = "cohort.list"
    COHORT_CREATE = "cohort.create"
    AGENT_ENROLL = "agent.enroll"
    # A class's roster from the team's sheet: many agents at once, checked and previewed first.
    ROSTER_IMPORT = "cohort.roster_import"
    AGENT_TRANSFER = "agent.transfer"
    AGENT_IDENTITY_EDIT = "agent.identity_edit"
    ATTENDANCE_READ = "attendance.read"
    ATTENDANCE_SET = "attendance.set"
    MIA_RESOLVE = "mia.resolve"
    TECH_HELP = "help.troubleshoot"
    HELP_REQUEST = "help.request"
    HELP_QUEUE_READ = "help.queue_read"
    HELP_CLAIM = "help.claim"
    COACHING_WRITE = "coaching.write"
    COACHING_READ = "coaching.read"
    CERT_FAILURE_RECORD = "cert.failure_record"
    CERT_LIMIT_OVERRIDE = "cert.limit_override"
    PROGRESS_REPORT = "progress.report"
    PROGRESS_EXCUSE = "progress.excuse"
    PROGRESS_CLASS_READ = "progress.class_read"
    FORMS_SUBMIT = "forms.submit"
    ESP_READ = "esp.read"
    ESP_WRITE = "esp.write"
    ESP_CLASS_READ = "esp.class_read"
    REDFLAG_RAISE = "redflag.raise"
    REDFLAG_READ = "redflag.read"
    REDFLAG_RESOLVE = "redflag.resolve"
    HOME_VIEW = "home.view"
    ROLE_CHANGE = "person.role_change"
    # The Google Sheet sync: take a value someone typed over a bot-owned cell.
    SHEET_TAKE_VALUE = "sheet.take_value"
    # The AHIP clock: pause or resume an agent's clock for a documented reason.
    AHIP_CLOCK_PAUSE = "ahip_clock.pause"
    # The Final CAP's catch-up: schedule an agent's catch-up sessions.
    CATCHUP_SCHEDULE = "catchup.schedule"
    PRODUCTION_MOVE = "agent.production_move"
    # A class's pictures (funnel, attendance map, pass rates) as PNG files in one's DM.
    PICTURES_READ = "reports.pictures"
    # HR records: the agent acknowledges their CAP; who read an agent's records; the whole record.
    CAP_ACKNOWLEDGE = "cap.acknowledge"
    RECORDS_READS = "records.reads"
    RECORDS_EXPORT = "records.export"
    # An agent's "I was there" on their own tardy or MIA mark, and their TL's Accept / Keep.
    ATTENDANCE_CLAIM = "attendance.claim"
    ATTENDANCE_CLAIM_DECIDE = "attendance.claim_decide"
    # A person's own notification settings (their Home's button and modal).
    NOTIFICATIONS_SET = "notifications.set"


class Relation(enum.StrEnum):
    SELF = "self"
    OWN_CLASS = "own_class"
    OTHER_CLASS = "other_class"
    NONE = "none"


# What each action is, in the words of a refusal: "Sorry, you cannot {doing} ...".
DOING: dict[Action, str] = {
    Action.COHORT_LIST: "list cohorts",
    Action.COHORT_CREATE: "create cohorts",
    Action.AGENT_ENROLL: "add agents to this class",
    Action.ROSTER_IMPORT: "add a roster to this class",
    Action.AGENT_TRANSFER: "move agents into this class",
    Action.AGENT_IDENTITY_EDIT: "change an agent's N-Number or NPN",
    Action.ATTENDANCE_READ: "see attendance",
    Action.ATTENDANCE_SET: "set attendance codes",
    Action.MIA_RESOLVE: "excuse or clear an MIA",
    Action.TECH_HELP: "get troubleshooting steps",
    Action.HELP_REQUEST: "ask for help in the queue",
    Action.HELP_QUEUE_READ: "see the help queue",
    Action.HELP_CLAIM: "claim or resolve help requests",
    Action.COACHING_WRITE: "document coachings",
    Action.COACHING_READ: "see coaching history",
    Action.CERT_FAILURE_RECORD: "record failed exams",
    Action.CERT_LIMIT_OVERRIDE: "override a carrier's attempt limit",
    Action.PROGRESS_REPORT: "report certification progress",
    Action.PROGRESS_EXCUSE: "excuse a delay",
    Action.PROGRESS_CLASS_READ: "see the class's progress",
    Action.FORMS_SUBMIT: "submit tracking forms",
    Action.ESP_READ: "see an ESP tracker",
    Action.ESP_WRITE: "update the ESP tracker",
    Action.ESP_CLASS_READ: "see the class's ESP tracker",
    Action.REDFLAG_RAISE: "raise red flags",
    Action.REDFLAG_READ: "see red flags",
    Action.REDFLAG_RESOLVE: "resolve red flags",
    Action.HOME_VIEW: "open the Home tab",
    Action.ROLE_CHANGE: "change anybody's role",
    Action.SHEET_TAKE_VALUE: "take a value from the tracking sheet",
    Action.AHIP_CLOCK_PAUSE: "pause an agent's AHIP clock",
    Action.CATCHUP_SCHEDULE: "schedule catch-up sessions",
    Action.PRODUCTION_MOVE: "mark agents moved to production",
    Action.PICTURES_READ: "see the class's pictures",
    Action.CAP_ACKNOWLEDGE: "acknowledge a CAP",
    Action.RECORDS_READS: "see who read an agent's records",
    Action.RECORDS_EXPORT: "get an agent's whole record",
    Action.ATTENDANCE_CLAIM: "say you were there for an attendance mark",
    Action.ATTENDANCE_CLAIM_DECIDE: "decide on an agent's attendance claim",
    Action.NOTIFICATIONS_SET: "choose how the bot's messages reach you",
}

ANY = frozenset(Relation)
OWN = frozenset({Relation.OWN_CLASS})
LISTING = frozenset({Relation.OWN_CLASS, Relation.NONE})  # a list with no target shows only one's classes
SELF = frozenset({Relation.SELF})
ACROSS = frozenset({Relation.OWN_CLASS, Relation.OTHER_CLASS, Relation.NONE})
NOTHING: frozenset[Relation] = frozenset()

_TL_PM = {Role.TL: OWN, Role.PM: OWN}

# role -> the relations under which the role may take the action. Admins are allowed everything
# (below, in `allowed`); a role missing from an action's row may not take it at all.
TABLE: dict[Action, dict[Role, frozenset[Relation]]] = {
    Action.COHORT_LIST: {Role.TL: LISTING, Role.PM: LISTING, Role.ESP_MANAGER: ACROSS},
    Action.COHORT_CREATE: {Role.TL: frozenset({Relation.NONE}), Role.PM: frozenset({Relation.NONE})},
    Action.AGENT_ENROLL: dict(_TL_PM),
    Action.ROSTER_IMPORT: dict(_TL_PM),
    Action.AGENT_TRANSFER: dict(_TL_PM),
    Action.AGENT_IDENTITY_EDIT: dict(_TL_PM),
    Action.ATTENDANCE_READ: {**_TL_PM, Role.AGENT: SELF},
    Action.ATTENDANCE_SET: dict(_TL_PM),
    Action.MIA_RESOLVE: dict(_TL_PM),
    Action.TECH_HELP: {role: ANY for role in Role},
    Action.HELP_REQUEST: {Role.AGENT: SELF},
    Action.HELP_QUEUE_READ: {Role.TL: LISTING, Role.PM: LISTING},
    Action.HELP_CLAIM: dict(_TL_PM),
    Action.COACHING_WRITE: dict(_TL_PM),
    Action.COACHING_READ: {**_TL_PM, Role.AGENT: SELF},
    Action.CERT_FAILURE_RECORD: dict(_TL_PM),
    Action.CERT_LIMIT_OVERRIDE: {},
    Action.PROGRESS_REPORT: {**_TL_PM, Role.AGENT: SELF},
    Action.PROGRESS_EXCUSE: dict(_TL_PM),
    Action.PROGRESS_CLASS_READ: dict(_TL_PM),
    Action.FORMS_SUBMIT: dict(_TL_PM),
    Action.ESP_READ: {**_TL_PM, Role.AGENT: SELF, Role.ESP_MANAGER: ACROSS},
    Action.ESP_WRITE: dict(_TL_PM),
    Action.ESP_CLASS_READ: {**_TL_PM, Role.ESP_MANAGER: ACROSS},
    Action.REDFLAG_RAISE: {**_TL_PM, Role.ESP_MANAGER: ACROSS},
    Action.REDFLAG_READ: {Role.TL: LISTING, Role.PM: LISTING, Role.ESP_MANAGER: ACROSS},
    Action.REDFLAG_RESOLVE: {**_TL_PM, Role.ESP_MANAGER: ACROSS},
    Action.HOME_VIEW: {role: ANY for role in Role},
    Action.ROLE_CHANGE: {},
    Action.SHEET_TAKE_VALUE: dict(_TL_PM),
    Action.AHIP_CLOCK_PAUSE: dict(_TL_PM),
    Action.CATCHUP_SCHEDULE: dict(_TL_PM),
    # The PM takes the agent to production: the button on their ESP-complete DM.
    Action.PRODUCTION_MOVE: {Role.PM: OWN},
    # The same readers as the class's ESP tracker: its TL and PM, and ESP managers across classes.
    Action.PICTURES_READ: {**_TL_PM, Role.ESP_MANAGER: ACROSS},
    # Only the agent the CAP is about acknowledges it (the service also refuses an admin).
    Action.CAP_ACKNOWLEDGE: {Role.AGENT: SELF},
    Action.RECORDS_READS: {},
    Action.RECORDS_EXPORT: {**_TL_PM, Role.AGENT: SELF},
    # Only the marked agent claims; only their class's TL decides (admins may do everything).
    Action.ATTENDANCE_CLAIM: {Role.AGENT: SELF},
    Action.ATTENDANCE_CLAIM_DECIDE: {Role.TL: OWN},
    # Everyone chooses how their own messages reach them.
    Action.NOTIFICATIONS_SET: {role: ANY for role in Role},
}


@dataclass(frozen=True)
class Target:
    """What an action is done to: the agent concerned and the class the record belongs to."""

    cohort: Cohort | None = None
    person: Person | None = None
    record: str | None = None  # for the log: "coaching:12", "cohort:3", ...

    def describe(self) -> str:
        parts = []
        if self.person is not None:
            parts.append(f"person:{self.person.id}")
        if self.cohort is not None:
            parts.append(f"cohort:{self.cohort.id}")
        if self.record:
            parts.append(self.record)
        return ",".join(parts) or "-"


NO_TARGET = Target()


def relation(actor: Person, target: Target) -> Relation:
    if target.person is not None and target.person.id == actor.id:
        return Relation.SELF
    if target.cohort is None:
        return Relation.NONE
    if actor.id in (target.cohort.tl_id, target.cohort.pm_id):
        return Relation.OWN_CLASS
    return Relation.OTHER_CLASS


def allowed(
    role: Role, action: Action, rel: Relation, grants: Mapping[Role, Iterable[str]] | None = None
) -> bool:
    if role == Role.ADMIN:
        return True
    if rel in TABLE[action].get(role, NOTHING):
        return True
    # The playbook may grant a role more actions across classes (never an agent's records of others).
    granted = {str(a) for a in (grants or {}).get(role, ())}
    return str(action) in granted and rel != Relation.SELF


def may_ever(role: Role, action: Action, grants: Mapping[Role, Iterable[str]] | None = None) -> bool:
    """Whether the role may take the action under some relation (to offer a form before a target is picked)."""
    return any(allowed(role, action, rel, grants) for rel in Relation)


def require(
    actor: Person,
    action: Action,
    target: Target = NO_TARGET,
    grants: Mapping[Role, Iterable[str]] | None = None,
) -> None:
    """Refuse with one line, and log who, what and which record, unless the actor may."""
    rel = relation(actor, target)
    if allowed(actor.role, action, rel, grants):
        return
    log.warning(
        "refused: %s (%s, %s) %s on %s [%s]",
        actor.slack_user_id,
        actor.role.value,
        rel.value,
        action.value,
        target.describe(),
        rel.value,
    )
    raise NotAllowed(refusal(actor, action, target, rel, grants))


def require_ever(actor: Person, action: Action, grants: Mapping[Role, Iterable[str]] | None = None) -> None:
    if may_ever(actor.role, action, grants):
        return
    log.warning("refused: %s (%s) %s", actor.slack_user_id, actor.role.value, action.value)
    raise NotAllowed(_role_refusal(actor, action, grants))


def refusal(
    actor: Person,
    action: Action,
    target: Target,
    rel: Relation,
    grants: Mapping[Role, Iterable[str]] | None = None,
) -> str:
    doing = DOING[action]
    if not may_ever(actor.role, action, grants):
        return _role_refusal(actor, action, grants)
    who = target.person.name if target.person is not None and target.person.id != actor.id else None
    if actor.role == Role.AGENT and who:
        # An agent's classmates are not "another class" to them: their records are simply private.
        return f"Sorry, {who}'s records are private: you can only {doing} for yourself."
    if rel == Relation.OTHER_CLASS and target.cohort is not None:
        whose = (
            f"{who} is in {escape_line(target.cohort.name)}"
            if who
            else f"that is {escape_line(target.cohort.name)}"
        )
        return f"Sorry, {whose}, which is not one of your classes: only its team lead and production manager can {doing} there."
    if rel == Relation.NONE and who:
        return f"Sorry, {who} is not in an active class, so you cannot {doing} for them."
    if rel == Relation.NONE and target.person is None:
        return f"Sorry, you can only {doing} for your own classes, and this channel is not one of them."
    if rel == Relation.SELF:
        return f"Sorry, you cannot {doing} for yourself."
    return f"Sorry, you can only {doing} for your own records."


def _role_refusal(actor: Person, action: Action, grants: Mapping[Role, Iterable[str]] | None) -> str:
    roles = [r for r in Role if r != actor.role and may_ever(r, action, grants)]
    names = [ROLE_NAMES[r] + "s" for r in roles]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Sorry, only {listed} can {DOING[action]}. You are set up as {_a(ROLE_NAMES[actor.role])}."


ROLE_NAMES = {
    Role.AGENT: "agent",
    Role.TL: "team lead",
    Role.PM: "production manager",
    Role.ESP_MANAGER: "ESP manager",
    Role.ADMIN: "admin",
}


def _a(noun: str) -> str:
    return ("an " if noun[0].lower() in "aeiou" else "a ") + noun
