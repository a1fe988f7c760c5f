"""Cohorts: a cohort never changes a role, an identity changes only through an audited
edit, an agent is active in one class at a time, and only real, active people can be enrolled."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from db.models import AuditEntry, CertAttempt, Cohort, Enrollment, Person, Role
from tests.helpers import ANA, CLASS, DEV, PM, TL, add_staff, import_cohort, replies, text_of

CLASS2, TL2, PM2 = "C0CLASS02", "U0TL0002", "U0PM0002"


def _say(world, text: str, user: str = TL, channel: str = CLASS) -> str:
    reply = world.driver.command("/cohort", text, user=user, channel=channel)
    assert reply.status == 200
    [answer] = replies(world, reply)
    return answer


def _second_class(world) -> int:
    world.slack.add_user(TL2, "Tom Second")
    world.slack.add_user(PM2, "Pia Second")
    add_staff(world, {TL2: ("Tom Second", Role.TL), PM2: ("Pia Second", Role.PM)})
    return import_cohort(
        world,
        name="Class two",
        channel=CLASS2,
        team_lead=TL2,
        production_manager=PM2,
        agents=[{"slack_id": "U0AG0009", "name": "Zed Nine", "n_number": "N9999999", "npn": "99999999"}],
    )


def _count(world, model, *where) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _person(world, slack_id: str) -> Person:
    with world.ctx.db.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == slack_id))
        assert person is not None
        session.expunge(person)
        return person


def _modal(name: str, channel: str, tl: str, pm: str) -> dict:
    return {
        "cohort_name": {"value": {"type": "plain_text_input", "value": name}},
        "cohort_channel": {"value": {"type": "conversations_select", "selected_conversation": channel}},
        "cohort_timezone": {
            "value": {"type": "static_select", "selected_option": {"value": "America/Chicago"}}
        },
        "cohort_start": {"value": {"type": "datepicker", "selected_date": "2027-01-05"}},
        "cohort_days": {"value": {"type": "static_select", "selected_option": {"value": "3"}}},
        "cohort_link": {
            "value": {"type": "url_text_input", "value": "https://example.gotowebinar.com/join/9"}
        },
        "cohort_tl": {"value": {"type": "users_select", "selected_user": tl}},
        "cohort_pm": {"value": {"type": "users_select", "selected_user": pm}},
    }


# Roles


def test_naming_an_agent_as_team_lead_is_refused_and_changes_no_role(world):
    import_cohort(world)
    before = _count(world, AuditEntry)
    body = world.driver.submit_view("cohort_new", _modal("Class X", "C0NEWCLS1", ANA, PM), user=TL).json()
    error = body["errors"]["cohort_tl"]
    assert "not set up as a team lead" in error and "training-day person add U0AG0001" in error
    assert "--role tl" in error
    assert _person(world, ANA).role == Role.AGENT
    assert _count(world, AuditEntry) == before and _count(world, Cohort) == 1


def test_naming_a_stranger_as_pm_is_refused_and_creates_nobody(world):
    import_cohort(world)
    body = world.driver.submit_view("cohort_new", _modal("Class X", "C0NEWCLS1", TL, DEV), user=TL).json()
    assert "--role pm" in body["errors"]["cohort_pm"]
    assert _count(world, Person, Person.slack_user_id == DEV) == 0


def test_an_admin_may_be_named_team_lead(world):
    import_cohort(world)
    add_staff(world, {"U0ADM001": ("Alex Admin", Role.ADMIN)})
    reply = world.driver.submit_view("cohort_new", _modal("Class Y", "C0NEWCLS1", "U0ADM001", PM), user=TL)
    assert reply.body == ""
    assert _person(world, "U0ADM001").role == Role.ADMIN


def test_a_double_submitted_form_creates_one_cohort_and_one_confirmation(world):
    import_cohort(world)
    values = _modal("Class Z", "C0NEWCLS1", TL, PM)
    for _ in range(2):
        reply = world.driver.submit_view("cohort_new", values, user=TL, view_id="V0SAME001")
        assert reply.status == 200 and reply.body == ""
    assert _count(world, Cohort) == 2
    assert sum("Created *Class Z*" in text_of(m) for m in world.slack.dms_to(TL)) == 1


def test_a_cohort_name_with_a_mention_or_too_long_is_refused_on_the_field(world):
    import_cohort(world)
    body = world.driver.submit_view(
        "cohort_new", _modal("<!channel> party", "C0NEWCLS1", TL, PM), user=TL
    ).json()
    assert "no mentions" in body["errors"]["cohort_name"]
    body = world.driver.submit_view("cohort_new", _modal("x" * 81, "C0NEWCLS1", TL, PM), user=TL).json()
    assert "80" in body["errors"]["cohort_name"]
    assert _count(world, Cohort) == 1


# Identity


def test_adding_an_agent_already_in_the_class_overwrites_nothing(world):
    import_cohort(world)
    before = _count(world, AuditEntry)
    answer = _say(world, f"add <@{ANA}|ana> N7654321 11111111")
    assert "already in" in answer and "Nothing changed" in answer
    assert "N-Number N1234567 (you typed N7654321)" in answer and "/cohort identity" in answer
    ana = _person(world, ANA)
    assert (ana.n_number, ana.npn, ana.name) == ("N1234567", "19283746", "Ana Ruiz")
    assert _count(world, AuditEntry) == before


def test_identity_is_changed_only_by_the_explicit_edit_and_audited(world):
    import_cohort(world)
    answer = _say(world, f"identity <@{ANA}|ana> N7654321 11111111")
    assert "N-Number N1234567 → N7654321" in answer and "NPN 19283746 → 11111111" in answer
    ana = _person(world, ANA)
    assert (ana.n_number, ana.npn) == ("N7654321", "11111111")
    with world.ctx.db.session() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "person.identity_changed"))
        assert entry.actor == TL
        assert entry.details["before"] == {"n_number": "N1234567", "npn": "19283746"}
    assert "Nothing changed" in _say(world, f"identity <@{ANA}|ana> N7654321 11111111")


def test_identity_edit_by_another_class_is_refused_in_one_line(world):
    import_cohort(world)
    _second_class(world)
    answer = _say(world, f"identity <@{ANA}|ana> N7654321 11111111", user=TL2, channel=CLASS2)
    assert answer.startswith("Sorry") and "\n" not in answer
    assert _person(world, ANA).n_number == "N1234567"
    assert _count(world, AuditEntry, AuditEntry.action == "person.identity_changed") == 0


def test_identity_edit_refuses_a_taken_n_number_and_bad_input(world):
    import_cohort(world)
    assert "already belongs to Ben Okafor" in _say(world, f"identity <@{ANA}|ana> N2345678 11111111")
    assert "looks like an NPN" in _say(world, f"identity <@{ANA}|ana> 11111111 11111111")
    assert "/cohort identity @agent" in _say(world, f"identity <@{ANA}|ana> N7654321")
    assert _person(world, ANA).n_number == "N1234567"


# One class at a time


def test_adding_an_agent_active_in_another_class_is_refused_naming_it(world):
    import_cohort(world)
    _second_class(world)
    before = _count(world, Enrollment)
    answer = _say(world, f"add <@{ANA}|ana> N1234567 19283746", user=TL2, channel=CLASS2)
    assert "active in AHIP/Aetna class - Dec 1" in answer and "/cohort transfer" in answer
    assert _count(world, Enrollment) == before


def test_transfer_moves_the_agent_tells_the_sending_tl_and_keeps_old_records(world):
    import_cohort(world)
    _second_class(world)
    world.driver.command("/failcert", f"<@{ANA}|ana> aetna 55", user=TL, channel=CLASS)
    answer = _say(world, f"transfer <@{ANA}|ana>", user=TL2, channel=CLASS2)
    assert "Moved Ana Ruiz from AHIP/Aetna class - Dec 1 to Class two" in answer
    with world.ctx.db.session() as session:
        ana = session.scalar(select(Person).where(Person.slack_user_id == ANA))
        statuses = {
            e.cohort.name: e.status
            for e in session.scalars(select(Enrollment).where(Enrollment.person_id == ana.id))
        }
        assert statuses == {"AHIP/Aetna class - Dec 1": "transferred", "Class two": "active"}
        [attempt] = session.scalars(select(CertAttempt))
        old = session.scalar(select(Cohort).where(Cohort.channel_id == CLASS))
        assert attempt.cohort_id == old.id  # the record keeps its class
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.actor == TL2))]
        assert actions == ["enrollment.transferred", "enrollment.added"]
    told = [text_of(m) for m in world.slack.dms_to(TL) if "moved from" in text_of(m)]
    assert told == [
        "Ana Ruiz moved from AHIP/Aetna class - Dec 1 to Class two (by Tom Second). Their records so far stay with AHIP/Aetna class - Dec 1."
    ]
    # Her old TL no longer acts on her; the new one does.
    assert _say(world, f"identity <@{ANA}|ana> N7654321 11111111").startswith("Sorry")
    assert "already in Class two" in _say(world, f"transfer <@{ANA}|ana>", user=TL2, channel=CLASS2)


def test_transfer_typed_by_the_sending_tl_in_the_receiving_channel_is_refused(world):
    import_cohort(world)
    _second_class(world)
    answer = _say(world, f"transfer <@{ANA}|ana>", user=TL, channel=CLASS2)
    assert answer.startswith("Sorry") and "Class two" in answer
    assert _count(world, Enrollment, Enrollment.status == "transferred") == 0


# Real, active people only


def test_only_real_active_people_can_be_enrolled(world):
    import_cohort(world)
    world.slack.add_user("U0GONE001", "Gone Person", deleted=True)
    world.slack.add_user("U0BOT0001", "Some Bot", is_bot=True)
    world.slack.add_user("U0APP0001", "App User", is_app_user=True)
    world.slack.add_user("USLACKBOT", "Slackbot")
    before = _count(world, Person), _count(world, Enrollment)
    for user, expected in (
        ("U0GONE001", "deactivated"),
        ("U0BOT0001", "bot or an app"),
        ("U0APP0001", "bot or an app"),
        ("USLACKBOT", "bot or an app"),
        ("U0NOBODY1", "Slack does not know"),
    ):
        answer = _say(world, f"add <@{user}|x> N4821337 48213377")
        assert expected in answer, (user, answer)
    assert (_count(world, Person), _count(world, Enrollment)) == before


def test_five_concurrent_adds_of_the_same_agent_enrol_once_and_answer_plainly(world):
    import_cohort(world)
    barrier = threading.Barrier(5)
    sent = []

    def add() -> None:
        barrier.wait()
        text = f"add <@{DEV}|dev> N4821337 48213377"
        sent.append(world.driver.command("/cohort", text, user=TL, channel=CLASS, settle=False))

    threads = [threading.Thread(target=add) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.settle()
    answers = [replies(world, r)[0] for r in sent]
    assert sum("Added" in a for a in answers) == 1, answers
    assert sum("already in" in a for a in answers) == 4, answers
    assert not any("Something went wrong" in a or "just done by someone else" in a for a in answers)
    assert _count(world, Enrollment) == 4


def test_malformed_and_oversized_input_is_answered_plainly_and_writes_nothing(world):
    import_cohort(world)
    before = _count(world, Person), _count(world, Enrollment), _count(world, AuditEntry)
    for text, expected in (
        (f"add <@{DEV}|dev> N4821337 ²", "is not an NPN"),
        (f"add <@{DEV}|dev> N4821337 1e3", "is not an NPN"),
        ("add <@nobody> N4821337 48213377", "is not a mention of a person"),
        ("transfer", "/cohort transfer @agent"),
        (f"transfer <@{DEV}|dev> extra", "/cohort transfer @agent"),
        ("x" * 5000, "I don't know `/cohort"),
    ):
        answer = _say(world, text)
        assert expected in answer, (text[:40], answer)
        assert len(answer) < 1500
    assert (_count(world, Person), _count(world, Enrollment), _count(world, AuditEntry)) == before


def test_a_transferred_agent_is_welcomed_only_in_their_new_class_channel(world):
    import_cohort(world)
    _second_class(world)
    _say(world, f"transfer <@{ANA}|ana>", user=TL2, channel=CLASS2)
    for n, channel in enumerate((CLASS, CLASS2)):
        world.driver.event(
            {"type": "member_joined_channel", "user": ANA, "channel": channel, "event_ts": "1"},
            event_id=f"EvJoin{n}",
        )
    [welcome] = world.slack.ephemerals_to(ANA)
    assert welcome["channel"] == CLASS2 and "Class two" in welcome["text"]
