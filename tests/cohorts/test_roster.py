"""A class's roster from the team's sheet, through the real app: rows pasted into /cohort new or
/cohort roster (or a CSV/XLSX attached), each checked, a preview naming every bad row, and one
transaction on confirm. Nothing is written while any row is wrong; the same rows again change
nothing."""

from __future__ import annotations

import io
import json
import threading

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.standin.blockkit import view_problems
from bot.standin.server import dm_channel_for
from db.models import AuditEntry, Cohort, Enrollment, Person, Role, RosterDraft
from tests.g2t_steps import connect
from tests.helpers import CLASS, PM, TL, add_staff, import_cohort, text_of

NEW_CLASS = "C0NEWCLS1"


def _agents(world, count: int, start: int = 1) -> list[tuple[str, str, str, str, str]]:
    """`count` workspace members: (user id, name, N-Number, NPN, email)."""
    found = []
    for n in range(start, start + count):
        user, name = f"U0RS{n:05d}", f"Roster Agent{n:02d}"
        email = f"agent{n}@example.com"
        world.slack.add_user(user, name, email=email)
        found.append((user, name, f"N{7000000 + n}", f"{70000000 + n}", email))
    return found


def _tsv(rows, header: bool = True) -> str:
    lines = ["Slack user\tName\tN-Number\tNPN\tEmail"] if header else []
    lines += ["\t".join(r) for r in rows]
    return "\n".join(lines)


def _new_class_values(
    roster: str = "", file_id: str | None = None, link: str = "https://example.gotowebinar.com/join/42"
):
    values = {
        "cohort_name": {"value": {"type": "plain_text_input", "value": "Class - Jan 5"}},
        "cohort_channel": {"value": {"type": "conversations_select", "selected_conversation": NEW_CLASS}},
        "cohort_timezone": {
            "value": {"type": "static_select", "selected_option": {"value": "America/Chicago"}}
        },
        "cohort_start": {"value": {"type": "datepicker", "selected_date": "2027-01-05"}},
        "cohort_days": {"value": {"type": "static_select", "selected_option": {"value": "3"}}},
        "cohort_link": {"value": {"type": "url_text_input", "value": link}},
        "cohort_tl": {"value": {"type": "users_select", "selected_user": TL}},
        "cohort_pm": {"value": {"type": "users_select", "selected_user": PM}},
    }
    values.update(_roster_values(roster, file_id))
    return values


def _roster_values(roster: str = "", file_id: str | None = None):
    return {
        "cohort_roster": {"value": {"type": "plain_text_input", "value": roster}},
        "cohort_roster_file": {
            "value": {"type": "file_input", "files": [{"id": file_id}] if file_id else []}
        },
    }


def _preview(world, reply) -> dict:
    """The view pushed on the submission's ack, as the preview replaced it once the rows were checked."""
    body = reply.json()
    assert body["response_action"] == "push", body
    pushed = body["view"]
    assert view_problems(pushed) == []
    preview = world.slack.external_view(pushed["external_id"])
    assert preview is not None, "the checking view was never replaced"
    return preview


def _text(view: dict) -> str:
    return text_of({"blocks": view["blocks"]})


def _confirm(world, preview: dict, user: str = TL, view_id: str | None = None):
    return world.driver.submit_view(
        "cohort_roster_confirm", {}, user=user, private_metadata=preview["private_metadata"], view_id=view_id
    )


def _count(world, model, *where) -> int:
    with world.ctx.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


# -- a new class from the sheet ---------------------------------------------------------------
def test_a_tl_starts_a_class_of_30_by_pasting_rows_from_the_sheet(world):
    add_staff(world)
    agents = _agents(world, 30)
    reply = world.driver.command("/cohort", "new", user=TL, channel=NEW_CLASS)
    [opened] = world.slack.calls("views.open")
    block_ids = [b.get("block_id") for b in opened.args["view"]["blocks"]]
    assert "cohort_roster" in block_ids and "cohort_roster_file" in block_ids

    reply = world.driver.submit_view("cohort_new", _new_class_values(_tsv(agents)), user=TL)
    preview = _preview(world, reply)
    text = _text(preview)
    assert "30 rows checked" in text and "Every row is fine" in text
    assert "Roster Agent01" in text and "Roster Agent30" in text
    assert preview["submit"]["text"] == "Create class"
    assert _count(world, Cohort) == 0 and _count(world, Enrollment) == 0  # nothing before confirming

    reply = _confirm(world, preview)
    assert reply.json() == {"response_action": "clear"}
    with world.ctx.db.session() as session:
        cohort = session.scalar(select(Cohort).where(Cohort.channel_id == NEW_CLASS))
        assert cohort is not None and cohort.tl.slack_user_id == TL
        enrolled = session.scalars(
            select(Person)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.cohort_id == cohort.id, Enrollment.status == "active")
        ).all()
        assert sorted(p.name for p in enrolled) == sorted(a[1] for a in agents)
        ana = next(p for p in enrolled if p.slack_user_id == agents[0][0])
        assert (ana.n_number, ana.npn, ana.email) == (agents[0][2], agents[0][3], agents[0][4])
    [dm] = [m for m in world.slack.dms_to(TL) if "Created" in text_of(m)]
    assert "Created *Class - Jan 5* with 30 agents" in text_of(dm)
    assert _count(world, AuditEntry, AuditEntry.action == "enrollment.added") == 30


def test_a_bad_row_is_named_and_nothing_is_half_imported(world):
    add_staff(world)
    good = _agents(world, 3)
    world.slack.add_user("U0GONE001", "Gone Person", deleted=True)
    world.slack.add_user("U0BOTX001", "Some Bot", is_bot=True)
    rows = [
        *good,
        ("U0RS99999", "Nobody Here", "N7999999", "79999999", ""),  # row 5: Slack does not know them
        ("U0GONE001", "Gone Person", "N7100001", "71000001", ""),  # row 6: deactivated
        (good[1][0], "Twice Listed", "N7100002", "71000002", ""),  # row 7: same person as row 3
        ("U0BOTX001", "Some Bot", "N7100003", "71000003", ""),  # row 8: a bot
        ("@ana", "Display Name", "N7100004", "71000004", ""),  # row 9: a display name
    ]
    npn_swapped = (good[2][0], good[2][1], good[2][3], good[2][3], "")  # the NPN as N-Number
    rows[2] = npn_swapped  # row 4
    reply = world.driver.submit_view("cohort_new", _new_class_values(_tsv(rows)), user=TL)
    preview = _preview(world, reply)
    text = _text(preview)
    assert "need fixing" in text and "submit" not in preview
    assert "Row 4" in text and "looks like an NPN" in text
    assert "Row 5" in text and "Slack does not know the member ID U0RS99999" in text
    assert "Row 6" in text and "deactivated" in text
    assert "Row 7" in text and "the same person is on row 3" in text
    assert "Row 8" in text and "bot or an app" in text
    assert "Row 9" in text and "display name" in text
    assert "Row 2 ·" not in text.split("Rows to fix")[1].split("Fine as they are")[0]
    assert _count(world, Cohort) == 0 and _count(world, Person, Person.role == Role.AGENT) == 0
    assert _count(world, RosterDraft) == 0


def test_rows_for_an_agent_in_another_class_or_with_another_identity_are_refused(world):
    import_cohort(world)  # Ana, Ben, Chloe in the sample class
    rows = [
        ("U0AG0001", "Ana Ruiz", "N1234567", "19283746", ""),  # active in the sample class
        ("U0AG0002", "Ben Okafor", "N2222222", "28374651", ""),  # another N-Number on record
        ("U0AG0004", "Dev Patel", "N3456789", "48213377", ""),  # Chloe's N-Number
    ]
    reply = world.driver.submit_view("cohort_new", _new_class_values(_tsv(rows, header=False)), user=TL)
    text = _text(_preview(world, reply))
    assert "Row 1" in text and "active in AHIP/Aetna class - Dec 1" in text and "/cohort transfer" in text
    assert "Row 2" in text and "N-Number N2345678 is on record" in text
    assert "Row 3" in text and "N3456789 already belongs to Chloe Martin" in text
    assert _count(world, Cohort) == 1


def test_emails_in_place_of_member_ids_are_looked_up(world):
    add_staff(world)
    agents = _agents(world, 2)
    rows = [(a[4], "", a[2], a[3]) for a in agents]  # email, no name: Slack's name is used
    text = "\n".join(",".join(r) for r in rows)
    preview = _preview(world, world.driver.submit_view("cohort_new", _new_class_values(text), user=TL))
    assert "Roster Agent01" in _text(preview)
    _confirm(world, preview)
    with world.ctx.db.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == agents[1][0]))
        assert person is not None and person.email == agents[1][4] and person.name == "Roster Agent02"
    assert [c.args["email"] for c in world.slack.calls("users.lookupByEmail")] == [a[4] for a in agents]


def test_a_malformed_paste_is_named_on_its_field(world):
    add_staff(world)
    reply = world.driver.submit_view("cohort_new", _new_class_values("Slack user\tName\n"), user=TL)
    body = reply.json()
    assert body["response_action"] == "errors"
    assert "no N-Number or NPN column" in body["errors"]["cohort_roster"]
    assert _count(world, Cohort) == 0


def test_a_refused_creator_costs_slack_nothing(world):
    import_cohort(world)
    agents = _agents(world, 2)
    reply = world.driver.submit_view("cohort_new", _new_class_values(_tsv(agents)), user="U0AG0001")
    assert "Sorry, only team leads, production managers and admins" in reply.json()["errors"]["cohort_name"]
    looked_up = {c.args.get("user") for c in world.slack.calls("users.info")}
    assert looked_up.isdisjoint(a[0] for a in agents)
    assert _count(world, RosterDraft) == 0


# -- an existing class ------------------------------------------------------------------------
def test_roster_for_an_existing_class_adds_only_the_new_rows_and_twice_changes_nothing(world):
    cohort_id = import_cohort(world)
    agents = _agents(world, 4)
    reply = world.driver.command("/cohort", "roster", user=TL, channel=CLASS)
    [opened] = world.slack.calls("views.open")
    modal = opened.args["view"]
    assert modal["callback_id"] == "cohort_roster"
    rows = [("U0AG0001", "Ana Ruiz", "N1234567", "19283746", ""), *agents]
    values = _roster_values(_tsv(rows))
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", values, user=TL, private_metadata=modal["private_metadata"]
        ),
    )
    text = _text(preview)
    assert "Add 4 agents" in text and "Already in the class" in text and "Ana Ruiz" in text
    assert preview["submit"]["text"] == "Add agents"
    before = _count(world, AuditEntry)

    reply = _confirm(world, preview, view_id="V0CONFIRM1")
    again = _confirm(world, preview, view_id="V0CONFIRM1")  # a double click: one write
    assert reply.json() == again.json() == {"response_action": "clear"}
    assert _count(world, Enrollment, Enrollment.cohort_id == cohort_id, Enrollment.status == "active") == 7
    written = _count(world, AuditEntry) - before
    assert _count(world, AuditEntry, AuditEntry.action == "enrollment.added") == 3 + 4
    [dm] = [m for m in world.slack.dms_to(TL) if "Added 4 agents" in text_of(m)]
    assert "1 already in it, unchanged" in text_of(dm)

    # The same rows again: nothing to add, nothing to confirm, nothing written.
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", values, user=TL, private_metadata=modal["private_metadata"]
        ),
    )
    assert "Nothing to add" in _text(preview) and "submit" not in preview
    assert _count(world, AuditEntry) - before == written


def test_roster_in_a_named_channel_and_refusals(world):
    import_cohort(world)
    world.driver.command("/cohort", "roster <#C0CLASS01|class>", user=TL, channel="C0GENERAL1")
    [opened] = world.slack.calls("views.open")
    assert json.loads(opened.args["view"]["private_metadata"])["cohort"] > 0
    reply = world.driver.command("/cohort", "roster", user=TL, channel="C0NOWHERE1")
    assert any("This channel has no cohort" in t for t in _answers(world, reply))
    reply = world.driver.command("/cohort", "roster", user="U0AG0001", channel=CLASS)
    assert any(t.startswith("Sorry") for t in _answers(world, reply))


def test_confirming_someone_elses_preview_is_refused(world):
    cohort_id = import_cohort(world)
    agents = _agents(world, 1)
    meta = json.dumps({"cohort": cohort_id})
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(_tsv(agents)), user=TL, private_metadata=meta
        ),
    )
    _confirm(world, preview, user=PM)
    assert any("not yours to confirm" in text_of(m) for m in world.slack.dms_to(PM))
    assert _count(world, Enrollment, Enrollment.cohort_id == cohort_id) == 3


def test_records_that_changed_since_the_preview_are_shown_again_and_nothing_is_written(world):
    cohort_id = import_cohort(world)
    agents = _agents(world, 2)
    meta = json.dumps({"cohort": cohort_id})
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(_tsv(agents)), user=TL, private_metadata=meta
        ),
    )
    # Meanwhile someone adds the second agent with the first one's N-Number... to another person.
    world.driver.command(
        "/cohort", f"add <@{agents[1][0]}|x> N7999998 {agents[1][3]}", user=TL, channel=CLASS
    )
    reply = _confirm(world, preview)
    body = reply.json()
    assert body["response_action"] == "update"
    assert "Row 3" in _text(body["view"]) and "N7999998 is on record" in _text(body["view"])
    assert "submit" not in body["view"]
    with world.ctx.db.session() as session:
        assert session.scalar(select(Person).where(Person.slack_user_id == agents[0][0])) is None


# -- files -------------------------------------------------------------------------------------
def test_an_attached_csv_or_xlsx_is_read(world):
    cohort_id = import_cohort(world)
    meta = json.dumps({"cohort": cohort_id})
    csv_agents = _agents(world, 2)
    csv_bytes = (
        "\ufeffEmail,NPN,N-Number,Name,Slack user,Team\n"
        + "\n".join(f"{a[4]},{a[3]},{a[2]},{a[1]},{a[0]},West" for a in csv_agents)
    ).encode()
    world.slack.add_file("F0CSV0001", "roster.csv", csv_bytes)
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(file_id="F0CSV0001"), user=TL, private_metadata=meta
        ),
    )
    assert "Add 2 agents" in _text(preview) and "roster.csv" in _text(preview)

    xlsx_agents = _agents(world, 2, start=50)
    book = Workbook()
    sheet = book.active
    sheet.append(["Slack user", "Name", "N-Number", "NPN", "Email"])
    for a in xlsx_agents:
        sheet.append([a[0], a[1], a[2], int(a[3]), a[4]])  # the NPN typed as a number
    out = io.BytesIO()
    book.save(out)
    world.slack.add_file("F0XLSX001", "roster.xlsx", out.getvalue(), "application/vnd.ms-excel")
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(file_id="F0XLSX001"), user=TL, private_metadata=meta
        ),
    )
    assert "Add 2 agents" in _text(preview) and f"NPN {xlsx_agents[0][3]}" in _text(preview)
    [fetch] = [c for c in world.slack.calls("files.info") if c.args.get("file") == "F0XLSX001"]
    assert fetch.response["ok"]


def test_an_oversized_or_foreign_file_is_refused_in_the_preview(world):
    cohort_id = import_cohort(world)
    meta = json.dumps({"cohort": cohort_id})
    world.slack.add_file("F0BIG0001", "huge.csv", b"x" * 1_100_000)
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(file_id="F0BIG0001"), user=TL, private_metadata=meta
        ),
    )
    assert "the limit is 1.0 MB" in _text(preview) and "Nothing was saved" in _text(preview)
    world.slack.add_file("F0PDF0001", "roster.pdf", b"%PDF-1.4")
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(file_id="F0PDF0001"), user=TL, private_metadata=meta
        ),
    )
    assert "not a CSV or XLSX file" in _text(preview)
    assert _count(world, RosterDraft) == 0


# -- GoTo Training ---------------------------------------------------------------------------
def test_with_goto_on_a_managed_class_needs_each_agents_email(g2t_world):
    world = g2t_world
    add_staff(world)
    connect(world)
    world.slack.add_user("U0NOMAIL1", "No Mail")
    agents = _agents(world, 1)
    rows = [
        ("U0NOMAIL1", "No Mail", "N7300001", "73000001", ""),
        (agents[0][0], agents[0][1], agents[0][2], agents[0][3], ""),
    ]
    reply = world.driver.submit_view("cohort_new", _new_class_values(_tsv(rows), link=""), user=TL)
    text = _text(_preview(world, reply))
    assert "Row 2" in text and "no email" in text  # the other's email comes from their Slack profile
    assert "Row 3 ·" not in text.split("Rows to fix")[1].split("Fine as they are")[0]


def _answers(world, reply) -> list[str]:
    from tests.helpers import replies

    return replies(world, reply)


def test_dm_channel_helper_matches_the_standin():
    assert dm_channel_for("U0TL0001") == "D0TL0001"


def test_a_forged_submission_for_another_class_is_refused_before_slack_is_asked(world):
    cohort_id = import_cohort(world)
    world.slack.add_user("U0TL0009", "Other Lead")
    add_staff(world, {"U0TL0009": ("Other Lead", Role.TL)})
    agents = _agents(world, 1)
    meta = json.dumps({"cohort": cohort_id})
    preview = _preview(
        world,
        world.driver.submit_view(
            "cohort_roster", _roster_values(_tsv(agents)), user="U0TL0009", private_metadata=meta
        ),
    )
    assert "not one of your classes" in _text(preview) and "submit" not in preview
    assert all(c.args.get("user") != agents[0][0] for c in world.slack.calls("users.info"))
    assert _count(world, RosterDraft) == 0


# -- ack first, then the slow checks ----------------------------------------------------------
def test_a_50_row_paste_is_acked_at_once_and_the_preview_follows(world, monkeypatch):
    """Slack drops a submission not answered within 3 seconds: the 50 directory look-ups wait
    behind a gate here, and the ack (the "checking" view) must come out before any of them."""
    add_staff(world)
    agents = _agents(world, 50)
    gate = threading.Event()
    real = world.slack.handle_api

    def held(method, args):
        if method in ("users.info", "users.lookupByEmail"):
            # Were the look-ups ahead of the ack, the ack would wait here: only once, then all pass.
            if not gate.wait(3):
                gate.set()
        return real(method, args)

    monkeypatch.setattr(world.slack, "handle_api", held)
    # Slack's text field holds 3,000 characters: 50 rows fit without their emails.
    pasted = _tsv([a[:4] for a in agents], header=False)
    reply = world.driver.submit_view("cohort_new", _new_class_values(pasted), user=TL, settle=False)
    assert reply.seconds < 2.5, f"acked after {reply.seconds:.2f}s"
    body = reply.json()
    assert body["response_action"] == "push", body
    assert "Checking" in _text(body["view"])
    assert world.slack.external_view(body["view"]["external_id"]) is None  # no preview yet
    assert world.slack.calls("users.info") == []
    gate.set()
    world.settle()
    preview = _preview(world, reply)
    assert "50 rows checked" in _text(preview) and "Every row is fine" in _text(preview)
    assert len({c.args["user"] for c in world.slack.calls("users.info")}) >= 50
    assert _count(world, Cohort) == 0  # the preview writes no class
