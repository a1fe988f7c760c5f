"""The training day, the help queue, red flags and App Home."""

from __future__ import annotations

import itertools
import json
from typing import Any

from sqlalchemy import func, select

from bot.access.policy import Action, Relation
from bot.cohorts import service as cohorts
from bot.core import people
from bot.slack import ids
from bot.standin.harness import World
from db.models import AttendanceCodeChoice, AttendanceFlag, HelpRequest, RedFlag
from tests.helpers import text_of
from tests.kernel.access_cases.base import CLASS_A, Case, answer_of

_breaks = itertools.count(1)


def _count(world: World, stmt: Any) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(stmt) or 0)


def view_answer(world: World, reply: Any, user: str, dms_before: int) -> str:
    """What a modal submission told the person: its field errors, or the DM it sent."""
    errors = (reply.json() or {}).get("errors") if reply.body else None
    if errors:
        return " ".join(errors.values())
    dms = world.slack.dms_to(user)[dms_before:]
    return text_of(dms[-1]) if dms else ""


# -- attendance ------------------------------------------------------------------------------
def _read(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/attendance", f"<@{agent}|x>", user=actor, channel=CLASS_A))


def _set(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    text = f"set <@{agent}|x> 1 absent_hr_approved HR said so"
    return answer_of(world, world.driver.command("/attendance", text, user=actor, channel=CLASS_A))


def _codes(world: World) -> int:
    return _count(world, select(func.count()).select_from(AttendanceCodeChoice))


def mia_flag(world: World, agent: str) -> int:
    """An open MIA mark on the agent, in their class (or the class they left)."""
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, agent)
        assert person is not None
        enrollment = cohorts.enrollment_of(session, person.id)
        cohort = enrollment.cohort if enrollment else cohorts.for_channel(session, "C0OLDCLS1")
        assert cohort is not None
        flag = AttendanceFlag(
            cohort_id=cohort.id,
            person_id=person.id,
            day=1,
            kind="mia",
            break_no=next(_breaks),
            flagged_at=world.clock.now(),
            status="open",
        )
        session.add(flag)
        session.flush()
        return flag.id


def _excuse(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    assert agent is not None
    flag_id = mia_flag(world, agent)
    pressed = answer_of(world, world.driver.action(ids.ACTION_MIA_EXCUSE, str(flag_id), user=actor))
    # The form is submitted too (as a forged request would), so a refusal there is checked as well.
    before = len(world.slack.dms_to(actor))
    submitted = world.driver.submit_view(
        ids.VIEW_MIA_REASON,
        {ids.MIA_REASON_BLOCK: {ids.FIELD_INPUT: {"value": "Doorbell"}}},
        user=actor,
        private_metadata=json.dumps({"flag_id": flag_id, "decision": "excused"}),
        view_id=f"V0MIA{flag_id}",
    )
    answer = view_answer(world, submitted, actor, before)
    return pressed if pressed.startswith("Sorry") else answer


def _cleared(world: World) -> int:
    return _count(
        world, select(func.count()).select_from(AttendanceFlag).where(AttendanceFlag.status != "open")
    )


# -- red flags -------------------------------------------------------------------------------
def _raise(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    text = f"<@{agent}|x> background Found in the check"
    return answer_of(world, world.driver.command("/redflag", text, user=actor, channel=CLASS_A))


def _flags(world: World) -> int:
    return _count(world, select(func.count()).select_from(RedFlag))


def red_flag(world: World, agent: str, description: str = "Found in the check") -> int:
    """An open red flag on the agent, in their class (or the class they left), raised by an admin."""
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, agent)
        raiser = people.by_slack_id(session, "U0ADM001")
        assert person is not None and raiser is not None
        enrollment = cohorts.enrollment_of(session, person.id)
        cohort = enrollment.cohort if enrollment else cohorts.for_channel(session, "C0OLDCLS1")
        assert cohort is not None
        flag = RedFlag(
            person_id=person.id,
            cohort_id=cohort.id,
            raised_by_id=raiser.id,
            raised_at=world.clock.now(),
            description=description,
        )
        session.add(flag)
        session.flush()
        return flag.id


def _list(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/redflag", "list", user=actor, channel=channel or ""))


def _resolve(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    assert agent is not None
    flag_id = red_flag(world, agent)
    pressed = answer_of(world, world.driver.action(ids.ACTION_REDFLAG_RESOLVE, str(flag_id), user=actor))
    before = len(world.slack.dms_to(actor))
    submitted = world.driver.submit_view(
        ids.VIEW_REDFLAG_RESOLVE,
        {ids.REDFLAG_RESOLUTION_BLOCK: {ids.FIELD_INPUT: {"value": "Cleared by the carrier"}}},
        user=actor,
        private_metadata=json.dumps({"flag_id": flag_id}),
        view_id=f"V0RF{flag_id}",
    )
    answer = view_answer(world, submitted, actor, before)
    return pressed if pressed.startswith("Sorry") else answer


def _resolved(world: World) -> int:
    return _count(world, select(func.count()).select_from(RedFlag).where(RedFlag.resolved_at.is_not(None)))


# -- the help queue ----------------------------------------------------------------------------
def _techissue(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/techissue", "audio", user=actor, channel=channel or ""))


def _requests(world: World) -> int:
    return _count(world, select(func.count()).select_from(HelpRequest))


def _queue(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    return answer_of(world, world.driver.command("/needhelp", "", user=actor, channel=channel or ""))


def _saw_no_queue(answer: str) -> bool:
    # An agent typing /needhelp joins the queue instead of reading it (HELP_REQUEST).
    return not answer.startswith("The help queue is for agents")


def _claimed(world: World) -> int:
    return _count(world, select(func.count()).select_from(HelpRequest).where(HelpRequest.status != "waiting"))


def help_request(world: World, agent: str) -> int:
    """A waiting help request of the agent, in their class (or the class they left)."""
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, agent)
        assert person is not None
        enrollment = cohorts.enrollment_of(session, person.id)
        cohort = enrollment.cohort if enrollment else cohorts.for_channel(session, "C0OLDCLS1")
        assert cohort is not None
        request = HelpRequest(
            cohort_id=cohort.id,
            person_id=person.id,
            source="needhelp",
            text="no audio",
            status="waiting",
            requested_at=world.clock.now(),
            open_slot=None,
        )
        session.add(request)
        session.flush()
        return request.id


def _claim(world: World, actor: str, agent: str | None, relation: Relation) -> str:
    assert agent is not None
    request_id = help_request(world, agent)
    pressed = answer_of(world, world.driver.action(ids.ACTION_HELP_CLAIM, str(request_id), user=actor))
    before = len(world.slack.dms_to(actor))
    submitted = world.driver.submit_view(
        ids.VIEW_HELP_CLAIM,
        {ids.HELP_ROOM_BLOCK: {ids.FIELD_INPUT: {"value": "3"}}},
        user=actor,
        private_metadata=json.dumps({"request_id": request_id}),
        view_id=f"V0HQ{request_id}",
    )
    answer = view_answer(world, submitted, actor, before)
    return pressed if pressed.startswith("Sorry") else answer


# -- App Home ----------------------------------------------------------------------------------
def _home(world: World, actor: str, channel: str | None, relation: Relation) -> str:
    before = len(world.slack.dms_to(actor))
    world.driver.event({"type": "app_home_opened", "user": actor, "channel": "D0HOME", "tab": "home"})
    dms = world.slack.dms_to(actor)[before:]
    if dms:
        return text_of(dms[-1])
    published = [c for c in world.slack.calls("views.publish") if c.args.get("user_id") == actor]
    return text_of(published[-1].args["view"]) if published else ""


def _nothing(world: World) -> int:
    return 0


CASES: dict[Action, Case] = {
    Action.ATTENDANCE_READ: Case(run=_read, written=_codes),
    Action.ATTENDANCE_SET: Case(run=_set, written=_codes),
    Action.MIA_RESOLVE: Case(run=_excuse, written=_cleared),
    Action.REDFLAG_RAISE: Case(run=_raise, written=_flags),
    Action.REDFLAG_READ: Case(run=_list, written=_flags, class_level=True),
    Action.REDFLAG_RESOLVE: Case(run=_resolve, written=_resolved),
    Action.TECH_HELP: Case(run=_techissue, written=_requests, class_level=True),
    Action.HELP_QUEUE_READ: Case(run=_queue, written=_claimed, refused=_saw_no_queue, class_level=True),
    Action.HELP_CLAIM: Case(run=_claim, written=_claimed),
    Action.HOME_VIEW: Case(run=_home, written=_nothing, class_level=True),
}
