"""/redflag: recorded, the PM and every ESP manager hear at once with a Resolve button; resolving
records who and why, once, and updates the DMs."""

from __future__ import annotations

import json
import threading

from bot.core import audit, people
from bot.red_flags import service as red_flags
from bot.slack import ids
from db.models import RedFlag, Role
from tests.helpers import BEN, CLASS, PM, TL, import_cohort, replies, text_of

ESP = "U0ESP001"
ADMIN = "U0ADM001"


def add_staff(world, slack_id: str, name: str, role: Role) -> None:
    with world.ctx.db.session() as session:
        people.upsert(
            session, slack_user_id=slack_id, name=name, role=role, actor="cli", now=world.clock.now()
        )


def setup(world) -> int:
    cohort_id = import_cohort(world)
    add_staff(world, ESP, "Erin Esp", Role.ESP_MANAGER)
    return cohort_id


def raise_ben(world, text: str = "background Misdemeanor found in the Aetna background check"):
    return world.driver.command("/redflag", f"<@{BEN}|ben> {text}", user=TL, channel=CLASS)


def flags(world) -> list[RedFlag]:
    with world.ctx.db.session() as session:
        rows = session.query(RedFlag).order_by(RedFlag.id).all()
        session.expunge_all()
        return rows


def resolve_button(world, user: str, flag_id: int):
    dm = world.slack.dms_to(user)[-1]
    return world.driver.action(
        ids.ACTION_REDFLAG_RESOLVE, str(flag_id), user=user, channel=dm["channel"], message_ts=dm["ts"]
    )


def submit_resolution(world, user: str, flag_id: int, text: str):
    return world.driver.submit_view(
        ids.VIEW_REDFLAG_RESOLVE,
        {ids.REDFLAG_RESOLUTION_BLOCK: {ids.FIELD_INPUT: {"type": "plain_text_input", "value": text}}},
        user=user,
        private_metadata=json.dumps({"flag_id": flag_id}),
    )


def test_redflag_is_recorded_and_the_pm_and_esp_managers_hear_at_once(world):
    setup(world)
    reply = raise_ben(world)
    assert reply.status == 200

    [flag] = flags(world)
    assert flag.description == "Misdemeanor found in the Aetna background check"
    assert flag.category == "background" and flag.resolved_at is None

    for user in (PM, ESP):
        [dm] = world.slack.dms_to(user)
        shown = text_of(dm)
        assert (
            "Ben Okafor" in shown
            and "Misdemeanor found" in shown
            and "Carrier background-check finding" in shown
        )
        buttons = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert [(b["action_id"], b["value"]) for b in buttons] == [(ids.ACTION_REDFLAG_RESOLVE, str(flag.id))]
    assert world.slack.dms_to(TL) == []
    [confirmation] = replies(world, reply)
    assert "Paolo Manager" in confirmation and "Erin Esp" in confirmation

    with world.ctx.db.session() as session:
        assert [e.action for e in audit.entries_for(session, "red_flag", flag.id)] == ["red_flag.raised"]
        assert [f.id for f in red_flags.open_for_person(session, flag.person_id)] == [flag.id]
        assert [f.id for f in red_flags.open_for_cohort(session, flag.cohort_id)] == [flag.id]


def test_a_description_without_a_category_is_kept_whole(world):
    setup(world)
    raise_ben(world, 'Needs a "release" from the state DOI')
    [flag] = flags(world)
    assert flag.category is None and flag.description == 'Needs a "release" from the state DOI'


def test_agents_and_strangers_cannot_raise_and_bad_input_is_explained(world):
    setup(world)
    reply = world.driver.command("/redflag", f"<@{BEN}|ben> something", user="U0AG0001", channel=CLASS)
    assert "only team leads" in replies(world, reply)[0]
    reply = world.driver.command("/redflag", f"<@{BEN}|ben>", user=TL, channel=CLASS)
    assert "what happened" in replies(world, reply)[0]
    reply = world.driver.command("/redflag", "ben did a thing", user=TL, channel=CLASS)
    assert "not a mention" in replies(world, reply)[0]
    reply = world.driver.command("/redflag", "<@U0NOBODY|x> did a thing", user=TL, channel=CLASS)
    assert "not an agent" in replies(world, reply)[0]
    assert flags(world) == []
    assert world.slack.dms_to(PM) == []


def test_resolve_opens_a_modal_then_records_who_and_why_and_updates_every_dm(world):
    setup(world)
    raise_ben(world)
    [flag] = flags(world)

    resolve_button(world, ESP, flag.id)
    [opened] = world.slack.calls("views.open")
    assert opened.args["view"]["callback_id"] == ids.VIEW_REDFLAG_RESOLVE

    reply = submit_resolution(world, ESP, flag.id, "Carrier cleared it after the release was signed")
    assert reply.status == 200 and reply.json() == {}

    [flag] = flags(world)
    assert flag.resolution == "Carrier cleared it after the release was signed"
    assert flag.resolved_at is not None
    with world.ctx.db.session() as session:
        assert red_flags.get(session, flag.id).resolved_by.slack_user_id == ESP
        assert red_flags.open_for_cohort(session, flag.cohort_id) == []

    updates = world.slack.calls("chat.update")
    sent = {
        (m["channel"], m["ts"]) for u in (PM, ESP) for m in world.slack.dms_to(u) if "Red flag" in m["text"]
    }
    assert {(u.args["channel"], u.args["ts"]) for u in updates} == sent
    for update in updates:
        shown = text_of(update.args)
        assert "Resolved" in shown and "Erin Esp" in shown and "release was signed" in shown
        assert all(b["type"] != "actions" for b in update.args["blocks"])
    [told] = world.slack.dms_to(TL)
    assert "Erin Esp" in text_of(told)


def test_resolving_twice_records_once_and_tells_the_second_who_resolved_it(world):
    setup(world)
    raise_ben(world)
    [flag] = flags(world)

    submit_resolution(world, ESP, flag.id, "Cleared by the carrier")
    second = submit_resolution(world, PM, flag.id, "I also fixed it")
    answer = second.json()
    assert answer["response_action"] == "update"
    assert "Erin Esp already resolved" in text_of(answer["view"]) and "Cleared by the carrier" in text_of(
        answer["view"]
    )

    [flag] = flags(world)
    assert flag.resolution == "Cleared by the carrier"
    with world.ctx.db.session() as session:
        actions = [e.action for e in audit.entries_for(session, "red_flag", flag.id)]
    assert actions == ["red_flag.raised", "red_flag.resolved"]

    # The stale button in the PM's DM says who resolved it instead of opening the modal.
    before = len(world.slack.calls("views.open"))
    reply = resolve_button(world, PM, flag.id)
    assert len(world.slack.calls("views.open")) == before
    assert "Erin Esp already resolved" in replies(world, reply)[0]


def test_two_managers_resolving_at_the_same_moment_record_one_resolution(world):
    setup(world)
    raise_ben(world)
    [flag] = flags(world)
    answers = {}

    def go(user: str, text: str) -> None:
        answers[user] = submit_resolution(world, user, flag.id, text).json()

    threads = [
        threading.Thread(target=go, args=(ESP, "Erin's reason")),
        threading.Thread(target=go, args=(PM, "Paolo's")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.settle()
    assert sorted(a.get("response_action", "closed") for a in answers.values()) == ["closed", "update"]
    with world.ctx.db.session() as session:
        actions = [e.action for e in audit.entries_for(session, "red_flag", flag.id)]
    assert actions == ["red_flag.raised", "red_flag.resolved"]


def test_only_the_cohort_staff_esp_managers_and_admins_may_resolve(world):
    setup(world)
    add_staff(world, "U0TL0002", "Other Lead", Role.TL)
    raise_ben(world)
    [flag] = flags(world)
    reply = world.driver.action(
        ids.ACTION_REDFLAG_RESOLVE, str(flag.id), user="U0TL0002", channel="DTL0002", message_ts="1.0"
    )
    # The policy's one line: which class it is, and who may.
    assert (
        "which is not one of your classes: only its team lead and production manager"
        in replies(world, reply)[0]
    )
    answer = submit_resolution(world, "U0AG0001", flag.id, "agent tries").json()
    assert answer["response_action"] == "errors"
    assert flags(world)[0].resolved_at is None


def test_an_empty_resolution_is_refused_in_the_modal(world):
    setup(world)
    raise_ben(world)
    [flag] = flags(world)
    answer = submit_resolution(world, PM, flag.id, "  ").json()
    assert answer == {
        "response_action": "errors",
        "errors": {ids.REDFLAG_RESOLUTION_BLOCK: "Say how it was resolved."},
    }
    assert flags(world)[0].resolved_at is None


def test_the_demo_plays_the_red_flag_and_the_tl_home():
    import io

    from bot.demo.script import run_demo

    out = io.StringIO()
    assert run_demo(out) == 0
    scene = out.getvalue().split("== A red flag for Ben ==")[1].split("\n== ")[0]
    assert "Told at once: Paolo, Erin" in scene
    assert "*Resolved* by Erin" in scene and "[App Home of Tess (team lead)]" in scene
