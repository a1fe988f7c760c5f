"""People and roles from Slack, for admins: the Home's button, the modal, the audited change with
its reason, and the guards (admins only, real people only, never the last admin, never a class's
lead while the class runs)."""

from __future__ import annotations

from sqlalchemy import select

from bot.core import people
from bot.people import roles
from db.models import AuditEntry, Person, Role
from tests.helpers import TL, add_staff, import_cohort, text_of

ADMIN = "U0ADM001"
NEWBIE = "U0NEWTL01"


def _values(user: str, role: str, reason: str = "New TL for the January classes") -> dict:
    return {
        "roles_person": {"value": {"type": "users_select", "selected_user": user}},
        "roles_role": {"value": {"type": "static_select", "selected_option": {"value": role}}},
        "roles_reason": {"value": {"type": "plain_text_input", "value": reason}},
    }


def _admin(world) -> None:
    add_staff(world, {ADMIN: ("Alex Admin", Role.ADMIN)})


def _person(world, user: str) -> Person | None:
    with world.ctx.db.session() as session:
        person = people.by_slack_id(session, user)
        if person is not None:
            session.expunge(person)
        return person


def test_an_admin_makes_a_new_tl_from_their_home(world):
    _admin(world)
    world.slack.add_user(NEWBIE, "Nia Newlead")
    world.driver.event({"type": "app_home_opened", "user": ADMIN, "tab": "home"})
    home = world.slack.state.home[ADMIN]
    buttons = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert any(
        e["action_id"] == "people_roles_open" and e["text"]["text"] == "People and roles" for e in buttons
    )

    world.driver.action("people_roles_open", user=ADMIN)
    [opened] = world.slack.calls("views.open")
    assert opened.args["view"]["callback_id"] == "people_roles"
    reply = world.driver.submit_view("people_roles", _values(NEWBIE, "tl"), user=ADMIN)
    assert reply.status == 200 and reply.body == ""
    person = _person(world, NEWBIE)
    assert person is not None and person.role == Role.TL and person.name == "Nia Newlead"
    assert any("Nia Newlead is now a team lead" in text_of(m) for m in world.slack.dms_to(ADMIN))
    with world.ctx.db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "person.role_changed"))
        assert entry is not None and entry.actor == ADMIN
        assert entry.details["reason"] == "New TL for the January classes"

    # The new TL can now create a class: `/cohort new` opens its form.
    world.driver.command("/cohort", "new", user=NEWBIE, channel="C0NEWCLS1")
    assert [c.args["view"]["callback_id"] for c in world.slack.calls("views.open")][-1] == "cohort_new"


def test_only_admins_see_the_button_and_change_roles(world):
    _admin(world)
    add_staff(world)
    world.driver.event({"type": "app_home_opened", "user": TL, "tab": "home"})
    home = world.slack.state.home[TL]
    assert "people_roles_open" not in str(home)
    world.driver.action("people_roles_open", user=TL)
    assert world.slack.calls("views.open") == []
    reply = world.driver.submit_view("people_roles", _values(TL, "admin"), user=TL)  # a forged submission
    assert "Sorry, only admins" in reply.json()["errors"]["roles_person"]
    assert _person(world, TL).role == Role.TL


def test_the_last_admin_keeps_their_role_and_a_reason_is_required(world):
    _admin(world)
    body = world.driver.submit_view("people_roles", _values(ADMIN, "remove"), user=ADMIN).json()
    assert "last admin" in body["errors"]["roles_role"]
    body = world.driver.submit_view("people_roles", _values(ADMIN, "tl", reason=" "), user=ADMIN).json()
    assert "Say why" in body["errors"]["roles_reason"]
    assert _person(world, ADMIN).role == Role.ADMIN


def test_a_class_lead_keeps_their_role_while_the_class_runs_and_strangers_are_checked(world):
    _admin(world)
    import_cohort(world)
    body = world.driver.submit_view("people_roles", _values(TL, "remove"), user=ADMIN).json()
    assert "leads classes with agents in them" in body["errors"]["roles_role"]
    body = world.driver.submit_view("people_roles", _values("U0AG0001", "tl"), user=ADMIN).json()
    assert "agent in a class" in body["errors"]["roles_person"]
    world.slack.add_user("U0GONE001", "Gone Person", deleted=True)
    body = world.driver.submit_view("people_roles", _values("U0GONE001", "pm"), user=ADMIN).json()
    assert "deactivated" in body["errors"]["roles_person"]
    assert _person(world, "U0GONE001") is None
    # Making the TL an admin keeps them able to lead their class.
    world.driver.submit_view("people_roles", _values(TL, "admin"), user=ADMIN)
    assert _person(world, TL).role == Role.ADMIN


def test_admin_user_ids_make_the_first_admin(world):
    world.slack.add_user("U0FIRST01", "First Admin")
    changes = roles.seed_admins(world.ctx, ["U0FIRST01"])
    assert _person(world, "U0FIRST01").role == Role.ADMIN and changes
    assert roles.seed_admins(world.ctx, ["U0FIRST01"]) == []  # a restart changes nothing
    settings = world.settings.model_copy(update={"admin_user_ids": " U0A1, U0A2 ,"})
    assert settings.first_admins() == ["U0A1", "U0A2"]
