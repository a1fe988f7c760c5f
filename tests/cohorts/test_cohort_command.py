"""/cohort through the real app: listing, adding agents, the modal, and every refusal."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEntry, Cohort, Enrollment, Person, Role
from tests.helpers import CLASS, DEV, PM, TL, add_staff, import_cohort, replies


def test_tl_lists_their_cohorts(world):
    import_cohort(world)
    reply = world.driver.command("/cohort", "", user=TL, channel=CLASS)
    assert reply.status == 200
    [answer] = replies(world, reply)
    assert "AHIP/Aetna class - Dec 1" in answer
    assert "3 agents" in answer


def test_agent_is_politely_refused(world):
    import_cohort(world)
    reply = world.driver.command("/cohort", "", user="U0AG0001", channel=CLASS)
    [answer] = replies(world, reply)
    assert "Sorry, only team leads, production managers, ESP managers and admins can list cohorts" in answer
    assert "agent" in answer


def test_unknown_user_is_told_how_to_get_added(world):
    reply = world.driver.command("/cohort", "", user="U0STRANGER", channel=CLASS)
    [answer] = replies(world, reply)
    assert "I don't know you yet" in answer


def test_add_agent_writes_enrollment_and_audit(world):
    cohort_id = import_cohort(world)
    reply = world.driver.command(
        "/cohort", f"add <@{DEV}|dev.patel> N4821337 48213377", user=TL, channel=CLASS
    )
    assert reply.status == 200
    [answer] = replies(world, reply)
    assert "Added *Dev Patel* (N4821337)" in answer  # name from users.info
    with world.ctx.db.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == DEV))
        assert person.n_number == "N4821337" and person.npn == "48213377"
        enrollment = session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
        assert enrollment.cohort_id == cohort_id
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.actor == TL))]
        assert actions == ["person.created", "enrollment.added"]


def test_adding_twice_changes_nothing(world):
    import_cohort(world)
    world.driver.command("/cohort", f"add <@{DEV}|dev> N4821337 48213377", user=TL, channel=CLASS)
    reply = world.driver.command("/cohort", f"add <@{DEV}|dev> N4821337 48213377", user=TL, channel=CLASS)
    [answer] = replies(world, reply)
    assert "already in" in answer
    with world.ctx.db.session() as session:
        assert len(session.scalars(select(Enrollment)).all()) == 4


def test_npn_in_place_of_n_number_is_refused_with_the_ahip_warning(world):
    import_cohort(world)
    reply = world.driver.command("/cohort", f"add <@{DEV}|dev> 48213377 48213377", user=TL, channel=CLASS)
    [answer] = replies(world, reply)
    assert "looks like an NPN" in answer
    assert "never your NPN" in answer
    with world.ctx.db.session() as session:
        assert session.scalar(select(Person).where(Person.slack_user_id == DEV)) is None


def test_malformed_add_says_what_to_type(world):
    import_cohort(world)
    for text in ("add", "add dev N4821337 48213377", f"add <@{DEV}> N4821337"):
        reply = world.driver.command("/cohort", text, user=TL, channel=CLASS)
        [answer] = replies(world, reply)
        assert "/cohort add @agent N1234567 19283746" in answer, text


def test_add_in_a_channel_without_cohort(world):
    import_cohort(world)
    reply = world.driver.command(
        "/cohort", f"add <@{DEV}|dev> N4821337 48213377", user=TL, channel="C0RANDOM1"
    )
    [answer] = replies(world, reply)
    assert "This channel has no cohort" in answer


def test_unknown_subcommand_shows_usage(world):
    import_cohort(world)
    reply = world.driver.command("/cohort", "frobnicate", user=TL, channel=CLASS)
    [answer] = replies(world, reply)
    assert "I don't know `/cohort frobnicate`" in answer and "/cohort new" in answer


def test_new_opens_the_modal_and_submission_creates_the_cohort(world):
    import_cohort(world)
    reply = world.driver.command("/cohort", "new", user=TL, channel="C0NEWCLS1")
    assert reply.status == 200
    [opened] = world.slack.calls("views.open")
    assert opened.args["view"]["callback_id"] == "cohort_new"

    world.slack.add_user("U0PM0002", "Pat Newman")
    add_staff(world, {"U0PM0002": ("Pat Newman", Role.PM)})  # an admin gives the role, not the form
    values = _modal_values(name="Class - Jan 5", channel="C0NEWCLS1", start="2027-01-05", pm="U0PM0002")
    reply = world.driver.submit_view("cohort_new", values, user=TL)
    assert reply.status == 200 and reply.body == ""
    with world.ctx.db.session() as session:
        cohort = session.scalar(select(Cohort).where(Cohort.channel_id == "C0NEWCLS1"))
        assert cohort.name == "Class - Jan 5" and cohort.tl.slack_user_id == TL
        assert cohort.pm.name == "Pat Newman"
    [dm] = world.slack.dms_to(TL)
    assert "Created *Class - Jan 5*" in dm["blocks"][0]["text"]["text"]


def test_modal_errors_show_on_the_fields(world):
    import_cohort(world)
    values = _modal_values(name="Dup", channel=CLASS, start="2027-01-05", pm=PM, link="http://insecure")
    reply = world.driver.submit_view("cohort_new", values, user=TL)
    body = reply.json()
    assert body["response_action"] == "errors"
    assert "https://" in body["errors"]["cohort_link"]

    values = _modal_values(name="Dup", channel=CLASS, start="2027-01-05", pm=PM)
    body = world.driver.submit_view("cohort_new", values, user=TL).json()
    assert "already has a cohort" in body["errors"]["cohort_channel"]


def test_every_command_is_acknowledged_fast(world):
    import_cohort(world)
    for text in ("", "new", f"add <@{DEV}|dev> N4821337 48213377", "bogus"):
        reply = world.driver.command("/cohort", text, user=TL, channel=CLASS)
        assert reply.status == 200
        assert reply.seconds < 1.5, (text, reply.seconds)


def _modal_values(*, name, channel, start, pm, link="https://example.gotowebinar.com/join/42"):
    return {
        "cohort_name": {"value": {"type": "plain_text_input", "value": name}},
        "cohort_channel": {"value": {"type": "conversations_select", "selected_conversation": channel}},
        "cohort_timezone": {
            "value": {"type": "static_select", "selected_option": {"value": "America/Chicago"}}
        },
        "cohort_start": {"value": {"type": "datepicker", "selected_date": start}},
        "cohort_days": {"value": {"type": "static_select", "selected_option": {"value": "3"}}},
        "cohort_link": {"value": {"type": "url_text_input", "value": link}},
        "cohort_tl": {"value": {"type": "users_select", "selected_user": TL}},
        "cohort_pm": {"value": {"type": "users_select", "selected_user": pm}},
    }


def test_a_slack_refusal_is_explained(world):
    import_cohort(world)
    world.slack.fail("views.open", error="expired_trigger_id")
    reply = world.driver.command("/cohort", "new", user=TL, channel=CLASS)
    assert reply.status == 200
    [answer] = world.slack.dms_to(TL)  # a modal that could not open is explained by DM
    assert "Slack refused" in answer["text"] and "expired_trigger_id" in answer["text"]
