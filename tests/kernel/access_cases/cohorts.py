"""Cohorts, enrolment, transfers and agents' identities."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.cohorts import service as cohorts
from bot.core.unit_of_work import Caller
from bot.standin.harness import World
from db.models import AuditEntry, Cohort, Enrollment
from tests.helpers import text_of
from tests.kernel.access_cases.base import ADMIN, CLASS_A, PM_A, TL_A, Case, answer_of

_numbers = itertools.count(1)
OLD_CLASS = "C0OLDCLS1"  # class B's TL runs it too; its agents start there and are moved from it


def _fresh_agent(world: World) -> tuple[str, str, str]:
    """A new workspace member (user ID, N-Number, NPN), known to Slack but not to the bot."""
    n = next(_numbers)
    user = f"U0NEW{n:04d}"
    world.slack.add_user(user, f"New Agent{n}")
    return user, f"N{5000000 + n}", f"{50000000 + n}"


def _list(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/cohort", "", user=actor, channel=channel or CLASS_A))


def _create(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    n = next(_numbers)
    if relation == Relation.NONE:
        channel = f"C0NEWCL{n:03d}"  # a channel with no class yet: each allowed create needs its own
    values = {
        "cohort_name": {"value": {"type": "plain_text_input", "value": f"Class {n}"}},
        "cohort_channel": {"value": {"type": "conversations_select", "selected_conversation": channel}},
        "cohort_timezone": {
            "value": {"type": "static_select", "selected_option": {"value": "America/Chicago"}}
        },
        "cohort_start": {"value": {"type": "datepicker", "selected_date": "2027-01-05"}},
        "cohort_days": {"value": {"type": "static_select", "selected_option": {"value": "3"}}},
        "cohort_link": {
            "value": {"type": "url_text_input", "value": "https://example.gotowebinar.com/join/7"}
        },
        "cohort_tl": {"value": {"type": "users_select", "selected_user": TL_A}},
        "cohort_pm": {"value": {"type": "users_select", "selected_user": PM_A}},
    }
    before = len(world.slack.dms_to(actor))
    reply = world.driver.submit_view("cohort_new", values, user=actor, view_id=f"V0CREATE{n:04d}")
    if reply.body:
        return " ".join(reply.json().get("errors", {}).values())
    dms = world.slack.dms_to(actor)[before:]
    return text_of(dms[-1]) if dms else ""


def _cohorts(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Cohort)) or 0)


def _enroll(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    user, n_number, npn = _fresh_agent(world)
    return answer_of(
        world,
        world.driver.command(
            "/cohort", f"add <@{user}|x> {n_number} {npn}", user=actor, channel=channel or ""
        ),
    )


def _enrollments(world: World) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Enrollment)) or 0)


def _transfer(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    user, n_number, npn = _fresh_agent(world)
    data = cohorts.EnrollInput(channel_id=OLD_CLASS, agent_user_id=user, n_number=n_number, npn=npn)
    cohorts.enroll_agent(world.ctx, Caller(ADMIN), data)  # an agent active in another class
    return answer_of(
        world, world.driver.command("/cohort", f"transfer <@{user}|x>", user=actor, channel=channel or "")
    )


def _transferred(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = select(func.count()).select_from(Enrollment).where(Enrollment.status == "transferred")
        return int(session.scalar(stmt) or 0)


def _identity(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    n = next(_numbers)
    text = f"identity <@{agent}|x> N{6000000 + n} {60000000 + n}"
    return answer_of(world, world.driver.command("/cohort", text, user=actor, channel=CLASS_A))


def _identity_edits(world: World) -> int:
    with world.ctx.db.session() as session:
        stmt = (
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "person.identity_changed")
        )
        return int(session.scalar(stmt) or 0)


CASES: dict[Action, Case] = {
    Action.COHORT_LIST: Case(run=_list, written=lambda world: 0, class_level=True),
    Action.COHORT_CREATE: Case(run=_create, written=_cohorts, class_level=True),
    Action.AGENT_ENROLL: Case(run=_enroll, written=_enrollments, class_level=True),
    Action.AGENT_TRANSFER: Case(run=_transfer, written=_transferred, class_level=True),
    Action.AGENT_IDENTITY_EDIT: Case(run=_identity, written=_identity_edits),
}


def _roster(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    """/cohort roster in the channel, then one new agent's row, checked and confirmed."""
    before_open = len(world.slack.calls("views.open"))
    reply = world.driver.command("/cohort", "roster", user=actor, channel=channel or "")
    opened = world.slack.calls("views.open")[before_open:]
    if not opened:
        return answer_of(world, reply)
    metadata = opened[-1].args["view"]["private_metadata"]
    user, n_number, npn = _fresh_agent(world)
    values = {
        "cohort_roster": {"value": {"type": "plain_text_input", "value": f"{user}\tX\t{n_number}\t{npn}"}},
        "cohort_roster_file": {"value": {"type": "file_input", "files": []}},
    }
    pushed = world.driver.submit_view("cohort_roster", values, user=actor, private_metadata=metadata).json()
    preview = world.slack.external_view(pushed["view"]["external_id"]) or {}
    if "private_metadata" not in preview:
        return text_of({"blocks": preview.get("blocks", [])})
    before = len(world.slack.dms_to(actor))
    world.driver.submit_view(
        "cohort_roster_confirm", {}, user=actor, private_metadata=preview["private_metadata"]
    )
    dms = world.slack.dms_to(actor)[before:]
    return text_of(dms[-1]) if dms else ""


CASES[Action.ROSTER_IMPORT] = Case(run=_roster, written=_enrollments, class_level=True)
