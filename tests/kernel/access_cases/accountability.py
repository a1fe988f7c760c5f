"""Coaching, failed exams, progress, the tracking forms and the ESP tracker."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.core import people
from bot.slack import ids
from bot.standin.harness import World
from db.models import AuditEntry, CertAttempt, Coaching, FormSubmission
from tests.kernel.access_cases.base import A1, A2, B1, CLASS_A, N1, Case, answer_of


def _failcert(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world, world.driver.command("/failcert", f"<@{agent}|x> aetna 55", user=actor, channel=CLASS_A)
    )


def _attempts(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(CertAttempt)) or 0)


def _coach(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world,
        world.driver.command(
            "/coach", f"<@{agent}|x> conduct verbal Talked over the trainer", user=actor, channel=CLASS_A
        ),
    )


def _coachings(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Coaching)) or 0)


def _coaching_history(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/coaching", f"<@{agent}|x>", user=actor, channel=CLASS_A))


def _nothing(world: World) -> int:
    return 0


def _audited(action: str):
    def count(world: World) -> int:
        with world.ctx.db.session() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
                )
                or 0
            )

    return count


def _override(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    # The agent has used every Aetna attempt: only an override records another.
    assert agent is not None
    with world.ctx.db.session() as session:
        person = people.require_person(session, agent)
        done = session.scalar(
            select(func.count()).select_from(CertAttempt).where(CertAttempt.person_id == person.id)
        )
        for n in range(int(done or 0) + 1, 4):
            session.add(
                CertAttempt(
                    person_id=person.id,
                    cohort_id=None,
                    carrier_key="aetna",
                    attempt_no=n,
                    year=world.clock.now().year,  # attempts count per calendar year
                    score=50,
                    override=False,
                    recorded_by_id=person.id,
                    recorded_at=world.clock.now(),
                )
            )
    return answer_of(
        world,
        world.driver.command("/failcert", f"<@{agent}|x> aetna 55 override", user=actor, channel=CLASS_A),
    )


def _overrides(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(CertAttempt).where(CertAttempt.override.is_(True))
            )
            or 0
        )


def _progress(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world, world.driver.command("/progress", f"<@{agent}|x> ahip 3", user=actor, channel=CLASS_A)
    )


def _excuse(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(
        world,
        world.driver.command(
            "/progress", f"<@{agent}|x> excuse N-Number arrived late", user=actor, channel=CLASS_A
        ),
    )


def _class_progress(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/progress", "class", user=actor, channel=channel or ""))


def _esp_read(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/esp", f"<@{agent}|x>", user=actor, channel=CLASS_A))


def _esp_write(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    # Alternating statuses, so every allowed update writes.
    status = "in_progress" if _audited("esp.updated")(world) % 2 else "complete"
    return answer_of(
        world, world.driver.command("/esp", f"<@{agent}|x> equipment={status}", user=actor, channel=CLASS_A)
    )


def _class_tracker(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/esp", "class", user=actor, channel=channel or ""))


N_NUMBERS = {A1: "N1000001", A2: "N1000002", B1: "N2000001", N1: "N3000001"}
FORM_SEQUENCE = itertools.count(1)


def _form(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    assert agent is not None
    values = {
        ids.FORM_AGENT_BLOCK: {ids.FIELD_INPUT: {"type": "users_select", "selected_user": agent}},
        ids.FORM_NNUMBER_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": N_NUMBERS[agent]}},
        ids.FORM_DATE_BLOCK: {ids.FIELD_INPUT: {"type": "datepicker", "selected_date": "2026-11-26"}},
        ids.FORM_TRAINER_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": "Tess"}},
    }
    reply = world.driver.submit_view(
        ids.VIEW_FORMS["tbt"], values, user=actor, view_id=f"V0TABLE{next(FORM_SEQUENCE)}"
    )
    errors = (reply.json() if reply.body else {}).get("errors") or {}
    return next(iter(errors.values()), "saved")


def _submissions(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(FormSubmission)) or 0)


CASES: dict[Action, Case] = {
    Action.CERT_FAILURE_RECORD: Case(run=_failcert, written=_attempts),
    Action.COACHING_WRITE: Case(run=_coach, written=_coachings),
    Action.COACHING_READ: Case(run=_coaching_history, written=_nothing),
    Action.CERT_LIMIT_OVERRIDE: Case(run=_override, written=_overrides),
    Action.PROGRESS_REPORT: Case(run=_progress, written=_audited("progress.reported")),
    Action.PROGRESS_EXCUSE: Case(run=_excuse, written=_audited("timeframe.excused")),
    Action.PROGRESS_CLASS_READ: Case(run=_class_progress, written=_nothing, class_level=True),
    Action.ESP_READ: Case(run=_esp_read, written=_nothing),
    Action.ESP_WRITE: Case(run=_esp_write, written=_audited("esp.updated")),
    Action.ESP_CLASS_READ: Case(run=_class_tracker, written=_nothing, class_level=True),
    Action.FORMS_SUBMIT: Case(run=_form, written=_submissions),
}
