"""The five tracking forms and the ESP tracker, driven through the stand-in: the picker and the
modals, validation (the Aetna proof, the N-Number guard in every form), what each form writes and
moves on the tracker, /esp, and the PM's ESP-complete DM exactly once, even when updates race."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest

from bot.esp_tracker import service as esp
from bot.forms import service as forms
from bot.slack import ids
from db.models import CarrierTicket, CertAttempt, EspItem, FormSubmission, ProgressMark
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, reached, replies, text_of

ANA_N, BEN_N, ANA_NPN = "N1234567", "N2345678", "19283746"


def _v(value):
    return {"type": "plain_text_input", "value": value}


def _opt(value):
    return {"type": "static_select", "selected_option": {"value": value} if value else None}


def form_values(
    kind: str,
    *,
    agent=ANA,
    n_number=ANA_N,
    carrier="ahip",
    day="2026-12-03",
    proof=True,
    confirm=True,
    result="pass",
    status="open",
    ticket="T-100",
    score=None,
) -> dict:
    values = {
        ids.FORM_AGENT_BLOCK: {ids.FIELD_INPUT: {"type": "users_select", "selected_user": agent}},
        ids.FORM_NNUMBER_BLOCK: {ids.FIELD_INPUT: _v(n_number)},
    }
    if kind in ("cert", "failedcert", "ticket"):
        values[ids.FORM_CARRIER_BLOCK] = {ids.FIELD_INPUT: _opt(carrier)}
    if kind != "ticket":
        values[ids.FORM_DATE_BLOCK] = {ids.FIELD_INPUT: {"type": "datepicker", "selected_date": day}}
    if kind == "cert":
        values[ids.FORM_PROOF_BLOCK] = {
            ids.FIELD_INPUT: {
                "type": "file_input",
                "files": [{"id": "F0PROOF1", "name": "aetna-13-checks.png", "mimetype": "image/png"}]
                if proof
                else [],
            }
        }
        values[ids.FORM_CONFIRM_BLOCK] = {
            ids.FIELD_INPUT: {
                "type": "checkboxes",
                "selected_options": [{"value": carrier}] if confirm else [],
            }
        }
    if kind == "tbt":
        values[ids.FORM_TRAINER_BLOCK] = {ids.FIELD_INPUT: _v("Tess Lead")}
        values[ids.FORM_NOTES_BLOCK] = {ids.FIELD_INPUT: _v("Shadowed two calls")}
    if kind == "callcert":
        # Call 1 is coached live (100); a pass has 3 of the other 4 at 85% or more, a fail only 1.
        scores = ["90", "88", "70", "86"] if result == "pass" else ["90", "60", "70", "40"]
        for n in range(1, 6):
            values[ids.FORM_CALL_EVALUATOR_BLOCKS[n - 1]] = {ids.FIELD_INPUT: _v("Quinn QA")}
            if n > 1:
                values[ids.FORM_CALL_SCORE_BLOCKS[n - 1]] = {ids.FIELD_INPUT: _v(scores[n - 2])}
    if kind == "failedcert":
        values[ids.FORM_SCORE_BLOCK] = {ids.FIELD_INPUT: {"type": "number_input", "value": score}}
        values[ids.FORM_NOTES_BLOCK] = {ids.FIELD_INPUT: _v("Ran out of time")}
    if kind == "ticket":
        values[ids.FORM_ISSUE_BLOCK] = {ids.FIELD_INPUT: _v("Portal shows no producer record")}
        values[ids.FORM_TICKET_BLOCK] = {ids.FIELD_INPUT: _v(ticket)}
        values[ids.FORM_STATUS_BLOCK] = {ids.FIELD_INPUT: _opt(status)}
    return values


OPENED = itertools.count(1)


def submit(world, kind: str, user: str = TL, view_id: str | None = None, **kwargs):
    # Each call is a form opened afresh (its own view id); the same view id is the same submission.
    view_id = view_id or f"V0FORM{next(OPENED):04d}"
    return world.driver.submit_view(
        ids.VIEW_FORMS[kind], form_values(kind, **kwargs), user=user, view_id=view_id
    )


def errors_of(reply) -> dict:
    body = reply.json()
    assert body.get("response_action") == "errors", body
    return body["errors"]


def tracker(world, slack_id: str = ANA) -> dict[str, str]:
    from bot.core import people

    with world.ctx.db.session() as session:
        person = people.require_person(session, slack_id)
        return {k: s.status for k, s in esp.statuses(session, person.id).items()}


def count(world, model) -> int:
    with world.ctx.db.session() as session:
        return session.query(model).count()


@pytest.fixture
def cohort(world) -> int:
    cohort_id = import_cohort(world)
    world.clock.set(world.clock.now() + timedelta(days=6))  # Thu Dec 3, day 3 of the class
    return cohort_id


def esp_dms(world, user: str) -> list[str]:
    return [text_of(m) for m in reached(world, user) if "ESP-complete" in text_of(m)]


# -- the picker and the modals ----------------------------------------------------------------------
def test_forms_shows_five_buttons_that_open_the_form_for_the_agent(world, cohort):
    reply = world.driver.command("/forms", f"<@{ANA}|ana>", user=TL, channel=CLASS)
    [shown] = [r.payload for r in world.slack.responses() if r.token == reply.response_url_token]
    buttons = [el for b in shown["blocks"] if b["type"] == "actions" for el in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ids.ACTION_FORM_OPEN[k] for k in ids.FORM_KINDS]
    assert all(b["value"] == ANA for b in buttons)

    world.driver.action(ids.ACTION_FORM_OPEN["tbt"], ANA, user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.VIEW_FORMS["tbt"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks[ids.FORM_AGENT_BLOCK]["element"]["initial_user"] == ANA
    assert blocks[ids.FORM_NNUMBER_BLOCK]["element"]["initial_value"] == ANA_N
    assert blocks[ids.FORM_DATE_BLOCK]["element"]["initial_date"] == "2026-12-03"


def test_forms_cert_opens_the_cert_form_with_the_proof_upload(world, cohort):
    world.driver.command("/forms", f"cert <@{ANA}|ana>", user=TL, channel=CLASS)
    view = world.slack.calls("views.open")[-1].args["view"]
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks[ids.FORM_PROOF_BLOCK]["element"]["type"] == "file_input"
    assert blocks[ids.FORM_PROOF_BLOCK]["element"]["max_files"] == 1
    [option] = blocks[ids.FORM_CONFIRM_BLOCK]["element"]["options"]
    assert "13 green checkmarks" in option["text"]["text"]


def test_agents_cannot_open_forms_and_unknown_forms_are_explained(world, cohort):
    reply = world.driver.command("/forms", "cert", user=ANA, channel=CLASS)
    assert "only team leads" in replies(world, reply)[0]
    reply = world.driver.command("/forms", "bogus", user=TL, channel=CLASS)
    assert "`bogus` is not a form" in replies(world, reply)[0]
    assert world.slack.calls("views.open") == []


# -- Carrier Cert Completion ------------------------------------------------------------------------
def test_aetna_cert_without_the_screenshot_or_the_checkmark_confirmation_is_refused(world, cohort):
    errors = errors_of(submit(world, "cert", carrier="aetna", proof=False))
    assert ids.FORM_PROOF_BLOCK in errors and "screenshot" in errors[ids.FORM_PROOF_BLOCK]
    errors = errors_of(submit(world, "cert", carrier="aetna", confirm=False))
    assert "13 green checkmarks" in errors[ids.FORM_CONFIRM_BLOCK]
    assert count(world, FormSubmission) == 0
    assert tracker(world)["aetna"] == esp.NOT_STARTED


def test_aetna_cert_with_proof_completes_aetna_on_the_tracker_and_the_progress(world, cohort):
    reply = submit(world, "cert", carrier="aetna")
    assert reply.json() == {} or reply.json().get("response_action") is None
    assert tracker(world)["aetna"] == esp.COMPLETE
    with world.ctx.db.session() as session:
        [sub] = session.query(FormSubmission).all()
        assert sub.kind == "cert" and sub.data["carrier"] == "aetna" and sub.data["n_number"] == ANA_N
        assert sub.data["proof"][0]["id"] == "F0PROOF1" and sub.data["confirmed"] is True
        assert sub.data["proof"][0]["name"] == "aetna-13-checks.png"
        assert str(sub.local_date) == "2026-12-03"
        mark = session.query(ProgressMark).filter_by(carrier_key="aetna").one()
        assert mark.complete
        [row] = session.query(EspItem).all()
        assert row.changed_by.slack_user_id == TL
    assert world.slack.calls("files.info") == []  # the submitted state carries the file's details
    [dm] = [m for m in reached(world, TL) if "Carrier Cert Completion" in text_of(m)]
    assert dm.get("digest") and "Aetna: complete" in text_of(dm)  # a line of the TL's digest


def test_ahip_cert_needs_no_screenshot(world, cohort):
    submit(world, "cert", carrier="ahip", proof=False, confirm=False)
    assert tracker(world)["ahip"] == esp.COMPLETE


def test_a_future_date_is_refused(world, cohort):
    errors = errors_of(submit(world, "tbt", day="2026-12-09"))
    assert "in the future" in errors[ids.FORM_DATE_BLOCK]


# -- the N-Number guard in every form ---------------------------------------------------------------
@pytest.mark.parametrize("kind", ids.FORM_KINDS)
def test_the_n_number_guard_holds_in_every_form(world, cohort, kind):
    errors = errors_of(submit(world, kind, n_number=ANA_NPN))
    assert "looks like an NPN" in errors[ids.FORM_NNUMBER_BLOCK]
    assert "never your NPN" in errors[ids.FORM_NNUMBER_BLOCK]
    errors = errors_of(submit(world, kind, n_number=BEN_N))
    assert "is not Ana Ruiz's N-Number" in errors[ids.FORM_NNUMBER_BLOCK]
    assert count(world, FormSubmission) == 0
    assert count(world, EspItem) == 0
    assert count(world, CertAttempt) == 0


# -- TBT, call certification, failed exams, tickets -------------------------------------------------
def test_tbt_and_call_certification_move_the_tracker(world, cohort):
    submit(world, "tbt")
    submit(world, "callcert", result="fail")
    assert tracker(world)["tbt"] == esp.COMPLETE
    assert tracker(world)["callcert"] == esp.BLOCKED
    submit(world, "callcert", result="pass")
    assert tracker(world)["callcert"] == esp.COMPLETE
    with world.ctx.db.session() as session:
        kinds = [s.kind for s in session.query(FormSubmission).order_by(FormSubmission.id)]
        assert kinds == ["tbt", "callcert", "callcert"]


def test_failed_cert_form_writes_the_failcert_record_and_its_dms(world, cohort):
    submit(world, "failedcert", carrier="aetna", score="62")
    with world.ctx.db.session() as session:
        [attempt] = session.query(CertAttempt).all()
        assert (attempt.carrier_key, attempt.attempt_no, attempt.score) == ("aetna", 1, 62)
    assert any("failed the Aetna exam" in text_of(m) for m in reached(world, PM))
    assert tracker(world)["aetna"] == esp.IN_PROGRESS
    submit(world, "failedcert", carrier="aetna")
    submit(world, "failedcert", carrier="aetna")
    assert tracker(world)["aetna"] == esp.BLOCKED
    errors = errors_of(submit(world, "failedcert", carrier="aetna"))
    assert "used all 3 Aetna attempts" in errors[ids.FORM_CARRIER_BLOCK]
    assert count(world, CertAttempt) == 3


def test_an_open_carrier_ticket_blocks_the_carrier_until_resolved(world, cohort):
    submit(world, "ticket", carrier="aetna", status="open")
    assert tracker(world)["aetna"] == esp.BLOCKED
    submit(world, "ticket", carrier="aetna", status="resolved")
    assert tracker(world)["aetna"] == esp.IN_PROGRESS
    with world.ctx.db.session() as session:
        [ticket] = session.query(CarrierTicket).all()
        assert (ticket.ticket_number, ticket.status) == ("T-100", "resolved")
    errors = errors_of(submit(world, "ticket", agent=BEN, n_number=BEN_N, carrier="aetna"))
    assert "belongs to Ana Ruiz" in errors[ids.FORM_TICKET_BLOCK]


def test_submitted_between_returns_the_cohorts_forms_in_the_window(world, cohort):
    start = world.clock.now()
    submit(world, "tbt")
    world.clock.advance(timedelta(hours=2))
    submit(world, "cert", carrier="ahip")
    with world.ctx.db.session() as session:
        found = forms.submitted_between(session, cohort, start, start + timedelta(hours=1))
        assert [s.kind for s in found] == ["tbt"]
        assert len(forms.submitted_between(session, cohort, start, start + timedelta(days=1))) == 2


# -- /esp -------------------------------------------------------------------------------------------
def test_esp_shows_and_updates_the_tracker(world, cohort):
    reply = world.driver.command(
        "/esp", f"<@{ANA}|ana> equipment=complete rts=in-progress", user=TL, channel=CLASS
    )
    shown = replies(world, reply)[0]
    assert "Updated: Equipment complete; RTS/No More Forms in progress." in shown
    assert "by Tess Lead" in shown
    assert tracker(world)["equipment"] == esp.COMPLETE and tracker(world)["rts"] == esp.IN_PROGRESS
    reply = world.driver.command("/esp", f"<@{ANA}|ana>", user=ANA, channel=CLASS)
    assert "Equipment*: complete" in replies(world, reply)[0]
    reply = world.driver.command("/esp", "", user=TL, channel=CLASS)
    assert "Ana Ruiz" in replies(world, reply)[0] and "Chloe Martin" in replies(world, reply)[0]


def test_esp_with_an_unknown_item_or_status_lists_the_valid_ones_and_writes_nothing(world, cohort):
    reply = world.driver.command(
        "/esp", f"<@{ANA}|ana> aetna=complete laptop=done tbt=finished", user=TL, channel=CLASS
    )
    shown = replies(world, reply)[0]
    assert "`laptop` is not an ESP tracker item" in shown and "`finished` is not a status" in shown
    assert "`equipment`" in shown and "`blocked`" in shown and "Nothing was changed" in shown
    assert count(world, EspItem) == 0


def test_agents_cannot_update_the_tracker(world, cohort):
    reply = world.driver.command("/esp", f"<@{ANA}|ana> equipment=complete", user=ANA, channel=CLASS)
    assert "can update the ESP tracker" in replies(world, reply)[0]
    reply = world.driver.command("/esp", f"<@{BEN}|ben>", user=ANA, channel=CLASS)
    assert "Ben Okafor's records are private" in replies(world, reply)[0]
    assert count(world, EspItem) == 0


# -- ESP-complete ----------------------------------------------------------------------------------
def complete_five(world, agent=ANA, n_number=ANA_N) -> None:
    submit(world, "cert", agent=agent, n_number=n_number, carrier="ahip")
    submit(world, "cert", agent=agent, n_number=n_number, carrier="aetna")
    submit(world, "tbt", agent=agent, n_number=n_number)
    submit(world, "callcert", agent=agent, n_number=n_number)
    world.driver.command("/esp", f"<@{agent}|a> equipment=complete", user=TL, channel=CLASS)


def test_the_sixth_complete_item_sends_the_pm_one_dm_and_tells_the_tl(world, cohort):
    complete_five(world)
    assert esp_dms(world, PM) == []
    world.driver.command(
        "/redflag", f"<@{ANA}|ana> release Needs a release for a 2019 finding", user=TL, channel=CLASS
    )
    world.driver.command("/esp", f"<@{ANA}|ana> rts=complete", user=TL, channel=CLASS)
    [pm_dm] = esp_dms(world, PM)
    assert "Ana Ruiz" in pm_dm and "ready for production" in pm_dm.lower()
    assert "Needs a release for a 2019 finding" in pm_dm
    [tl_dm] = esp_dms(world, TL)
    assert "Ana Ruiz is ESP-complete" in tl_dm
    # Touching the tracker again, or a form after it, sends nothing more.
    world.driver.command("/esp", f"<@{ANA}|ana> rts=in_progress", user=TL, channel=CLASS)
    world.driver.command("/esp", f"<@{ANA}|ana> rts=complete", user=TL, channel=CLASS)
    submit(world, "tbt")
    assert len(esp_dms(world, PM)) == 1 and len(esp_dms(world, TL)) == 1


def test_two_updates_racing_to_the_sixth_item_send_exactly_one_pm_dm(world, cohort):
    for agent, n_number in ((ANA, ANA_N), (BEN, BEN_N)):
        submit(world, "cert", agent=agent, n_number=n_number, carrier="ahip")
        submit(world, "cert", agent=agent, n_number=n_number, carrier="aetna")
        submit(world, "tbt", agent=agent, n_number=n_number)
        world.driver.command("/esp", f"<@{agent}|a> callcert=complete", user=TL, channel=CLASS)
    # Each agent has two items left; the two arrive together (different items, same item twice).
    races = [
        (f"<@{ANA}|a> equipment=complete", f"<@{ANA}|a> rts=complete"),
        (f"<@{BEN}|b> equipment=complete rts=complete", f"<@{BEN}|b> rts=complete equipment=complete"),
    ]
    for first, second in races:
        barrier = threading.Barrier(2)

        def send(text: str, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            world.driver.command("/esp", text, user=TL, channel=CLASS, settle=False)

        threads = [threading.Thread(target=send, args=(t,)) for t in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        world.settle()
    pm = esp_dms(world, PM)
    assert len([t for t in pm if "Ana Ruiz" in t]) == 1
    assert len([t for t in pm if "Ben Okafor" in t]) == 1
    assert tracker(world, ANA) == {k: esp.COMPLETE for k in esp.ITEMS}
    errors = [text_of(r.payload) for r in world.slack.responses() if "went wrong" in text_of(r.payload)]
    assert errors == []


def test_notify_if_complete_twice_sends_once(world, cohort):
    from bot.core import people

    complete_five(world)
    world.driver.command("/esp", f"<@{ANA}|ana> rts=complete", user=TL, channel=CLASS)
    with world.ctx.db.session() as session:
        person_id = people.require_person(session, ANA).id
    assert esp.notify_if_complete(world.ctx, person_id)
    assert len(esp_dms(world, PM)) == 1


def test_the_demo_ends_with_ana_esp_complete_and_the_pms_dm(world):
    import io

    from bot.demo import part_esp, part_g2t, part_pictures, part_setup
    from bot.demo.script import PARTS
    from bot.demo.stage import Stage

    # The class's last part; only the GoTo Training part (a second class) and the pictures follow it.
    assert PARTS[-3:] == [part_esp, part_g2t, part_pictures]
    out = io.StringIO()
    stage = Stage(world, out)
    part_setup.play(stage)
    part_esp.play(stage)
    transcript = out.getvalue()
    assert "[form refuses] :warning: `19283746` looks like an NPN" in transcript
    assert "[form refuses] Aetna needs the proof" in transcript
    pm_part = transcript.split("[DM to Paolo (production manager)]")[-1]
    assert "Ana Ruiz is ESP-complete" in pm_part and "@Ana Ruiz is ready for production" in pm_part
    assert len(esp_dms(world, PM)) == 1


def test_form_buttons_work_from_the_app_home_tab(world):
    """A click in App Home carries no channel and no response_url: the form still opens, and a
    refusal reaches the person as a DM instead of vanishing."""
    import_cohort(world)
    home = {"id": "VHOME1", "type": "home"}
    reply = world.driver.action(ids.ACTION_FORM_OPEN["cert"], "", user=TL, view=home)
    assert reply.status == 200
    [opened] = world.slack.calls("views.open")
    assert opened.args["view"]["type"] == "modal"

    world.driver.action(ids.ACTION_FORM_OPEN["cert"], "", user=ANA, view=home)
    assert len(world.slack.calls("views.open")) == 1
    [refusal] = world.slack.dms_to(ANA)
    assert "Sorry, only" in text_of(refusal)
