"""/failcert and its form: a failed attempt recorded, the ESP tracker moved, the TL, PM and ESP
managers told, and the notices of the agent's earlier attempts at that exam showing the retake."""

from __future__ import annotations

from bot.access import targets as access
from bot.access.policy import Action
from bot.certs import outcome
from bot.certs import service as certs
from bot.certs.types import FailureResult
from bot.core import people
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp


@use_case
def fail_exam(work: Work, data: certs.FailureInput) -> FailureResult:
    """/failcert and its form: record the attempt, move the ESP tracker, tell the TL, PM and ESP managers."""
    agent = people.require_agent(work.session, data.agent_user_id)
    target = access.agent_target(work.session, agent)
    actor = work.allow(Action.CERT_FAILURE_RECORD, target)
    people.lock(work.session, agent)
    result = certs.record_failure(
        work.session,
        agent=agent,
        carrier_key=data.carrier,
        score=data.score,
        note=data.note,
        actor=actor,
        now=work.now,
        playbook=work.playbook,
        override=data.override,
    )
    esp.apply_failed_attempt(
        work.session,
        person=agent,
        carrier=certs.tracker_item(work.playbook, result.carrier_key),
        blocked=result.blocked,
        actor=actor,
        now=work.now,
        source="failcert",
    )
    for key, kind, recipient, text in certs.failure_messages(result):
        # Who recorded it reads the same words in the reply: no DM repeating them.
        if recipient != actor.slack_user_id:
            work.notify(key=key, kind=kind, recipient=recipient, text=text)
    certs.tell_hr_of_third_failure(work, agent, result)
    # A retake is the outcome of the attempts before it: their notices show it, in place.
    outcome.show(work, outcome.earlier_attempts(work.session, result.attempt_id))
    return result
