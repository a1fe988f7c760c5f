"""The five tracking forms: Carrier Cert Completion, TBT Completion, Call Certification, Failed
Carrier Cert Exams and Carrier Tickets. Each submission is validated, stored, audited and moves
the agent's ESP tracker; the failed-exam DMs and the ESP-complete DM are enqueued in the same unit
of work and sent after it commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access import targets as access
from bot.access.policy import Action
from bot.certs import call_cert, outcome
from bot.certs import service as certs
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import audit, people, record_reads
from bot.core.errors import DomainError, InvalidInput
from bot.core.identity_fields import n_number_problem, normalize_n_number
from bot.core.text import NAME, NOTE, escape_line, require_length
from bot.core.timefmt import local, show_date
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from bot.esp_tracker.form_kinds import FORM_NAMES
from bot.forms import blocks as form_blocks
from bot.forms.types import FormContext, Submitted
from bot.progress import service as progress
from bot.slack.parsing import picked_date
from db.models import CarrierTicket, Enrollment, FormSubmission, Person, Role

KINDS = FORM_NAMES
# Typed after /forms: the kind, or a few words people use for it.
KIND_ALIASES = {
    "certification": "cert",
    "completion": "cert",
    "call": "callcert",
    "call_cert": "callcert",
    "failcert": "failedcert",
    "failed": "failedcert",
    "tickets": "ticket",
}
TICKET_NUMBER = 64  # the column's width


class FormProblems(InvalidInput):
    """Problems with named fields of a form (agent, n_number, carrier, date, proof, confirm, ...)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def kind_of(raw: str) -> str | None:
    key = raw.strip().lower().replace("-", "_")
    key = KIND_ALIASES.get(key, key)
    return key if key in KINDS else None


def submitted_between(
    session: Session, cohort_id: int, start_utc: datetime, end_utc: datetime
) -> list[FormSubmission]:
    """The cohort's form submissions with start_utc <= submitted_at < end_utc, oldest first."""
    stmt = (
        select(FormSubmission)
        .where(
            FormSubmission.cohort_id == cohort_id,
            FormSubmission.submitted_at >= start_utc,
            FormSubmission.submitted_at < end_utc,
        )
        .order_by(FormSubmission.submitted_at, FormSubmission.id)
    )
    return list(session.scalars(stmt))


def open_tickets(
    session: Session, person_id: int, playbook: Playbook, carrier: str | None = None
) -> list[CarrierTicket]:
    stmt = select(CarrierTicket).where(
        CarrierTicket.person_id == person_id, CarrierTicket.status.not_in(playbook.forms.ticket_closed)
    )
    if carrier:
        stmt = stmt.where(CarrierTicket.carrier_key == carrier)
    return list(session.scalars(stmt.order_by(CarrierTicket.created_at, CarrierTicket.id)))


# -- validation -------------------------------------------------------------------------------------
def agent_for_form(
    session: Session,
    playbook: Playbook,
    agent_slack_id: str | None,
    n_number: str | None,
    problems: dict[str, str],
) -> tuple[Person, Enrollment] | None:
    """The agent named in a form, with the N-Number guard: the value must be an N-Number (an NPN
    is refused with the AHIP guide's warning) and must be the agent's own."""
    problem = n_number_problem(playbook, n_number)
    if problem:
        problems["n_number"] = problem
    if not agent_slack_id:
        problems["agent"] = "Pick the agent."
        return None
    agent = people.by_slack_id(session, agent_slack_id)
    enrollment = cohorts.enrollment_of(session, agent.id) if agent is not None else None
    if agent is None or agent.role != Role.AGENT or enrollment is None:
        problems["agent"] = f"<@{agent_slack_id}> is not an agent in an active cohort."
        return None
    if not problem and agent.n_number and normalize_n_number(n_number or "") != agent.n_number:
        problems["n_number"] = (
            f"`{normalize_n_number(n_number or '')}` is not {escape_line(agent.name)}'s N-Number "
            f"(their record says {agent.n_number})."
        )
    if not problem and not agent.n_number:
        problems["n_number"] = (
            f"{escape_line(agent.name)} has no N-Number on record yet; add it with "
            "`/cohort add @agent N-Number NPN` first."
        )
    return agent, enrollment


# How far back a form's date may go (an exam or a ticket, never decades ago).
FORM_DATE_HISTORY = timedelta(days=3653)


def _date(raw: Any, today: date, problems: dict[str, str]) -> date | None:
    value = picked_date(raw, earliest=today - FORM_DATE_HISTORY, latest=date.max)
    if value is None:
        problems["date"] = "Pick the date (within the last ten years)."
        return None
    if value > today:
        problems["date"] = f"{show_date(value)} is in the future; pick the day it happened."
        return None
    return value


def _carrier(playbook: Playbook, raw: Any, problems: dict[str, str], *, exams: bool = False) -> str | None:
    """A carrier of the playbook; with `exams`, a TBT course too (the Failed Cert Exams form)."""
    carrier = (playbook.exam if exams else playbook.carrier)(str(raw or ""))
    if carrier is None:
        choices = playbook.exams if exams else playbook.carriers
        problems["carrier"] = "Pick the carrier: " + ", ".join(c.name for c in choices) + "."
        return None
    return carrier.key


def _text(
    raw: Any, name: str, key: str, problems: dict[str, str], *, required: bool = True, limit: int = NOTE
) -> str:
    try:
        value = require_length(str(raw or ""), limit, f"The {escape_line(name)}")
    except InvalidInput as too_long:
        problems[key] = too_long.message
        return ""
    if required and not value:
        problems[key] = f"Fill in the {escape_line(name)}."
    return value


# -- opening ---------------------------------------------------------------------------------------
@use_case
def forms_picker(work: Work, agent_user_id: str | None) -> str | None:
    """/forms [@agent]: the picker, for someone who may submit forms (for this agent); the agent's name."""
    work.allow_ever(Action.FORMS_SUBMIT)
    if agent_user_id is None:
        return None
    agent = people.require_agent(work.session, agent_user_id)
    work.allow(Action.FORMS_SUBMIT, access.agent_target(work.session, agent))
    return agent.name


@use_case
def form_context(work: Work, kind: str, agent_user_id: str | None) -> FormContext:
    """What the `kind` form opens with: the playbook's choices, and the agent when one is named."""
    if kind not in KINDS:
        raise InvalidInput(f"`{kind}` is not a form. Forms: {', '.join(KINDS)}.")
    actor = work.allow_ever(Action.FORMS_SUBMIT)
    playbook, session = work.playbook, work.session
    form = FormContext(
        calls=list(playbook.call_cert.calls),
        first_call_live=playbook.call_cert.first_call_live,
        carriers=[(c.key, c.name) for c in (playbook.exams if kind == "failedcert" else playbook.carriers)],
        proof={r.carrier: r.confirmation for r in playbook.forms.proof},
        ticket_statuses=list(playbook.forms.ticket_statuses),
    )
    mine = cohorts.visible_to(session, actor)
    timezone = mine[0].timezone if mine else "UTC"
    if agent_user_id:
        agent = people.require_agent(session, agent_user_id)
        work.allow(Action.FORMS_SUBMIT, access.agent_target(session, agent))
        enrollment = cohorts.enrollment_of(session, agent.id)
        if enrollment is None:
            raise InvalidInput(f"{escape_line(agent.name)} is not an agent in an active cohort.")
        form.agent, form.n_number, timezone = agent.slack_user_id, agent.n_number, enrollment.cohort.timezone
        if agent.n_number:
            record_reads.record(
                session,
                reader=actor.slack_user_id,
                person_id=agent.id,
                what=record_reads.IDENTITY,
                at=work.now,
                detail=f"the N-Number, on the {kind} form",
            )
    form.today = local(work.now, timezone).date()
    return form


# -- submitting -------------------------------------------------------------------------------------
@use_case
def submit_form(work: Work, kind: str, fields: dict[str, Any]) -> Submitted:
    """Validate and store one form; raises FormProblems naming every field that is wrong. The agent's
    class is checked before anything about the agent is said."""
    if kind not in KINDS:
        raise InvalidInput(f"`{kind}` is not a form. Forms: {', '.join(KINDS)}.")
    session, playbook, now = work.session, work.playbook, work.now
    actor = work.allow_ever(Action.FORMS_SUBMIT)
    named = fields.get("agent")
    candidate = people.by_slack_id(session, named) if isinstance(named, str) and named else None
    if candidate is not None and candidate.role == Role.AGENT:
        work.allow(Action.FORMS_SUBMIT, access.agent_target(session, candidate))
    problems: dict[str, str] = {}
    found = agent_for_form(session, playbook, fields.get("agent"), fields.get("n_number"), problems)
    timezone = found[1].cohort.timezone if found else "UTC"
    today = local(now, timezone).date()
    data: dict[str, Any] = {}
    scored: call_cert.Scored | None = None
    if kind != "ticket":
        when = _date(fields.get("date"), today, problems)
        data["date"] = when.isoformat() if when else None
    if kind in ("cert", "ticket"):
        data["carrier"] = _carrier(playbook, fields.get("carrier"), problems)
    elif kind == "failedcert":
        data["carrier"] = _carrier(playbook, fields.get("carrier"), problems, exams=True)
    if kind == "cert" and data.get("carrier"):
        rule = playbook.forms.proof_for(data["carrier"])
        files = list(fields.get("proof") or [])
        data["proof"] = files
        data["confirmed"] = bool(fields.get("confirmed"))
        if rule is not None:
            name = playbook.carrier(data["carrier"]).name  # type: ignore[union-attr]
            if not files:
                problems["proof"] = (
                    f"{escape_line(name)} needs the proof: upload the screenshot of the completed certification."
                )
            if not data["confirmed"]:
                problems["confirm"] = f"Confirm it: {rule.confirmation}."
    elif kind == "tbt":
        data["trainer"] = _text(fields.get("trainer"), "trainer", "trainer", problems, limit=NAME)
        data["notes"] = _text(fields.get("notes"), "notes", "notes", problems, required=False)
    elif kind == "callcert":
        scored = call_cert.score_calls(playbook, fields.get("calls"), problems)
        data["notes"] = _text(fields.get("notes"), "notes", "notes", problems, required=False)
    elif kind == "failedcert":
        try:
            data["score"] = certs.parse_score(playbook, fields.get("score"))
        except DomainError as exc:
            problems["score"] = exc.message
        data["note"] = _text(fields.get("notes"), "note", "notes", problems, required=False)
    elif kind == "ticket":
        data["issue"] = _text(fields.get("issue"), "issue", "issue", problems)
        data["ticket_number"] = _text(
            fields.get("ticket_number"), "ticket number", "ticket_number", problems, limit=TICKET_NUMBER
        )
        status = str(fields.get("status") or "")
        if status not in playbook.forms.ticket_statuses:
            problems["status"] = "Pick the status: " + ", ".join(playbook.forms.ticket_statuses) + "."
        data["status"] = status
    if problems or found is None:
        raise FormProblems(problems or {"agent": "Pick the agent."})
    agent, enrollment = found
    esp.lock(session, agent.id)  # before any write: tracker updates of one agent go one at a time
    data["n_number"] = agent.n_number
    result = Submitted(submission_id=0, kind=kind, person_id=agent.id, agent_name=agent.name, summary="")

    if kind == "cert":
        carrier = data["carrier"]
        progress.mark_carrier_complete(session, agent=agent, carrier_key=carrier, actor=actor, now=now)
        _esp(session, result, agent, carrier, esp.COMPLETE, actor, now)
        result.summary = f"{_carrier_name(playbook, carrier)} certification complete on {_day(data['date'])}"
    elif kind == "tbt":
        _esp(session, result, agent, "tbt", esp.COMPLETE, actor, now)
        result.summary = f"TBT complete on {_day(data['date'])} with {data['trainer']}"
    elif kind == "callcert":
        assert scored is not None  # no problems, so every call was scored
        passed = scored.certified
        data["calls"] = [
            {"call": c.number, "type": c.kind, "score": c.score, "evaluator": c.evaluator, "live": c.live}
            for c in scored.calls
        ]
        data["passes"], data["pass_rate"], data["result"] = (
            scored.passes,
            scored.pass_rate,
            ("pass" if passed else "fail"),
        )
        data["scorecard"] = call_cert.scorecard_name(playbook, agent.name, scored.pass_rate)
        _esp(session, result, agent, "callcert", esp.COMPLETE if passed else esp.BLOCKED, actor, now)
        result.summary = (
            f"Call Certification {'passed' if passed else 'failed'} on {_day(data['date'])}: "
            f"{scored.passes} of {len(scored.calls)} calls at {playbook.call_cert.pass_score}% or more "
            f"(pass rate {scored.pass_rate}%). Save the scorecard as `{data['scorecard']}`"
        )
    elif kind == "failedcert":
        try:
            failure = certs.record_failure(
                session,
                agent=agent,
                carrier_key=data["carrier"],
                score=data["score"],
                note=data["note"],
                actor=actor,
                now=now,
                playbook=playbook,
            )
        except DomainError as exc:
            raise FormProblems({"carrier": exc.message}) from exc
        result.failure = failure
        data["attempt_id"], data["attempt_no"] = failure.attempt_id, failure.attempt_no
        carrier = certs.tracker_item(playbook, data["carrier"])
        moved = esp.apply_failed_attempt(
            session,
            person=agent,
            carrier=carrier,
            blocked=failure.blocked,
            actor=actor,
            now=now,
            source=f"form:{kind}",
        )
        if moved:
            result.esp_changes.append(f"{esp.ITEMS[carrier]}: {esp.STATUSES[moved]}")
        result.summary = (
            f"{escape_line(failure.carrier_name)} exam failed on {_day(data['date'])}: "
            f"{failure.ordinal} of {failure.limit} attempts"
        )
    elif kind == "ticket":
        ticket = _save_ticket(session, playbook, agent, enrollment, data, actor, now)
        data["ticket_id"] = ticket.id
        _ticket_esp(session, playbook, result, agent, ticket.carrier_key, actor, now)
        result.summary = (
            f"{_carrier_name(playbook, ticket.carrier_key)} ticket {ticket.ticket_number}: "
            f"{ticket.status} ({ticket.issue})"
        )

    submission = FormSubmission(
        kind=kind,
        person_id=agent.id,
        cohort_id=enrollment.cohort_id,
        submitted_by_id=actor.id,
        submitted_at=now,
        local_date=today,
        data=data,
    )
    session.add(submission)
    session.flush()
    audit.record(
        session,
        actor=actor.slack_user_id,
        action=f"form.{kind}",
        entity="form_submission",
        entity_id=submission.id,
        at=now,
        details={"person_id": agent.id, **data},
    )
    result.submission_id = submission.id
    if result.failure is not None:
        for key, kind_of_message, recipient, text in certs.failure_messages(result.failure):
            # Who submitted the form reads the attempt in its confirmation: no second DM.
            if recipient != actor.slack_user_id:
                work.notify(key=key, kind=kind_of_message, recipient=recipient, text=text)
        outcome.show(work, outcome.earlier_attempts(session, result.failure.attempt_id))
    esp.enqueue_if_complete(work, agent.id)
    result.tracker_line = " · ".join(
        f"{s.label} {s.status_label}" for s in esp.statuses(session, agent.id).values()
    )
    _confirm(work, actor, result)
    return result


def _confirm(work: Work, actor: Person, result: Submitted) -> None:
    """The submitter's confirmation: a line of a staff member's digest (a TL files dozens a day),
    a DM of its own to an agent who sent their own proof."""
    title = KINDS[result.kind]
    work.notify(
        key=f"form-saved:{result.submission_id}",
        kind="form_saved" if actor.role == Role.AGENT else "form_submitted",
        recipient=actor.slack_user_id,
        text=f"{title} saved for {escape_line(result.agent_name)}: {result.summary}.",
        blocks=form_blocks.saved(
            title, result.agent_name, result.summary, result.esp_changes, result.tracker_line
        ),
    )


def _esp(
    session: Session, result: Submitted, agent: Person, item: str, status: str, actor: Person, now: datetime
) -> None:
    if esp.set_status(
        session, person=agent, item=item, status=status, actor=actor, now=now, source=f"form:{result.kind}"
    ):
        result.esp_changes.append(f"{esp.ITEMS[item]}: {esp.STATUSES[status]}")


def _save_ticket(
    session: Session,
    playbook: Playbook,
    agent: Person,
    enrollment: Enrollment,
    data: dict[str, Any],
    actor: Person,
    now: datetime,
) -> CarrierTicket:
    ticket = session.scalar(
        select(CarrierTicket).where(
            CarrierTicket.carrier_key == data["carrier"], CarrierTicket.ticket_number == data["ticket_number"]
        )
    )
    if ticket is not None and ticket.person_id != agent.id:
        raise FormProblems(
            {
                "ticket_number": f"{_carrier_name(playbook, data['carrier'])} ticket "
                f"{data['ticket_number']} belongs to {escape_line(ticket.person.name)}."
            }
        )
    if ticket is None:
        ticket = CarrierTicket(
            person_id=agent.id,
            cohort_id=enrollment.cohort_id,
            carrier_key=data["carrier"],
            ticket_number=data["ticket_number"],
            issue=data["issue"],
            status=data["status"],
            opened_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        session.add(ticket)
    else:
        ticket.issue, ticket.status, ticket.updated_at = data["issue"], data["status"], now
    session.flush()
    return ticket


def _ticket_esp(
    session: Session,
    playbook: Playbook,
    result: Submitted,
    agent: Person,
    carrier: str,
    actor: Person,
    now: datetime,
) -> None:
    """An open ticket blocks the carrier (unless it is complete); closing the last one unblocks it."""
    if carrier not in esp.ITEMS or not playbook.forms.open_ticket_blocks_carrier:
        return
    current = esp.status_of(session, agent.id, carrier)
    if current == esp.COMPLETE:
        return
    if open_tickets(session, agent.id, playbook, carrier):
        _esp(session, result, agent, carrier, esp.BLOCKED, actor, now)
        return
    exhausted = carrier in certs.blocked_carriers(
        session, agent.id, playbook, now, result_timezone(session, agent)
    )
    if current == esp.BLOCKED and not exhausted:
        _esp(session, result, agent, carrier, esp.IN_PROGRESS, actor, now)


def result_timezone(session: Session, agent: Person) -> str:
    enrollment = cohorts.enrollment_of(session, agent.id)
    return enrollment.cohort.timezone if enrollment else "UTC"


def _carrier_name(playbook: Playbook, key: str) -> str:
    carrier = playbook.carrier(key)
    return carrier.name if carrier else key.upper()


def _day(iso: str | None) -> str:
    return show_date(date.fromisoformat(iso)) if iso else "an unknown day"
