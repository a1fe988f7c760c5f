"""HR records through the real app: HR told of a 3rd failed exam with its document, once; who read
an agent's records (admins, in Slack and from the CLI); the agent's whole record as one ZIP for
those the policy lets have it; retention redacting a departed agent's personal fields on the day
the playbook says, the record still reading, "redacted" where the identity was."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import docx
from sqlalchemy import func, select

import app
from bot.records import jobs as records_jobs
from bot.standin.server import dm_channel_for
from db.models import AuditEntry, Coaching, Enrollment, G2TRegistration, Person, RecordRead, Role
from tests.helpers import ANA, BEN, CLASS, PM, TL, add_staff, import_cohort, replies

CHI = ZoneInfo("America/Chicago")
ADMIN = "U0ADM001"
ESP = "U0ESP001"
HR_CHANNEL = "C0HRCASES1"


def _staff(world):
    add_staff(world, {ADMIN: ("Alex Admin", Role.ADMIN), ESP: ("Erin Esp", Role.ESP_MANAGER)})


def _answer(world, reply):
    return replies(world, reply)[-1]


def _zip(upload):
    archive = zipfile.ZipFile(io.BytesIO(upload.content))
    return {name: archive.read(name) for name in archive.namelist()}


def test_a_third_failed_exam_reaches_hr_with_its_document_once(world):
    contacts = world.ctx.playbook.hr.contacts.model_copy(update={"third_failed_exam": [HR_CHANNEL]})
    world.ctx.playbook = world.ctx.playbook.model_copy(
        update={"hr": world.ctx.playbook.hr.model_copy(update={"contacts": contacts})}
    )
    import_cohort(world)
    for score in (55, 60):
        world.driver.command("/failcert", f"<@{ANA}|ana> ahip {score}", user=TL, channel=CLASS)
    assert world.slack.uploads(channel=HR_CHANNEL) == []
    world.driver.command("/failcert", f"<@{ANA}|ana> ahip 61", user=TL, channel=CLASS)
    world.run_job("scheduler.jobs:retry_outbox")
    [upload] = world.slack.uploads(channel=HR_CHANNEL)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(upload.content)).paragraphs)
    assert "Failed exam record: Ana Ruiz" in text and "N-Number: N1234567" in text
    assert "AHIP attempt 3, score 61" in text
    assert "failed the AHIP exam for the 3rd time" in (upload.initial_comment or "")


def test_an_admin_sees_who_read_an_agents_records_and_nobody_else_does(world, monkeypatch, capsys):
    _staff(world)
    import_cohort(world)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal Late back", user=TL, channel=CLASS)
    world.clock.advance(timedelta(minutes=10))
    world.driver.command("/coaching", f"<@{ANA}|ana>", user=PM, channel=CLASS)
    world.clock.advance(timedelta(minutes=10))
    world.driver.command("/coach", f"<@{ANA}|ana>", user=TL, channel=CLASS)  # the form: N-Number shown

    answer = _answer(
        world, world.driver.command("/records", f"reads <@{ANA}|ana>", user=ADMIN, channel=CLASS)
    )
    assert "Who read: Ana Ruiz" in answer
    lines = [line for line in answer.splitlines() if line.startswith("•")]
    assert "Tess Lead* · identity (N-Number, NPN, email)" in lines[0]
    assert "Tess Lead* · coaching history" in lines[1]
    assert "Paolo Manager* · coaching history" in lines[2]
    for who in (TL, PM, ESP, ANA):
        refused = _answer(
            world, world.driver.command("/records", f"reads <@{ANA}|ana>", user=who, channel=CLASS)
        )
        assert refused.startswith("Sorry"), who
    # Listing the reads is not itself a read, and refusals leave no trace.
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(RecordRead)) == 3

    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.delenv("PLAYBOOK", raising=False)
    assert app.main(["records", "reads", "--agent", ANA]) == 0
    out = capsys.readouterr().out
    assert "Ana Ruiz: 3 read(s)" in out and f"\t{PM}\tcoaching history" in out


def test_failed_exams_shown_to_staff_are_listed_as_read_once_per_view(world, monkeypatch, capsys, tmp_path):
    _staff(world)
    import_cohort(world)
    for score in (55, 60, 61):  # the 3rd blocks AHIP
        world.driver.command("/failcert", f"<@{ANA}|ana> ahip {score}", user=TL, channel=CLASS)
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(RecordRead)) == 0  # recording is no read
    world.clock.advance(timedelta(minutes=10))
    world.driver.command("/esp", "class", user=PM, channel=CLASS)
    world.driver.command("/esp", f"<@{ANA}|ana>", user=ANA, channel=CLASS)  # her own: no read
    world.clock.advance(timedelta(minutes=10))
    world.driver.command("/esp", f"<@{ANA}|ana>", user=TL, channel=CLASS)
    world.clock.advance(timedelta(minutes=10))
    world.driver.command("/esp", "export csv", user=ESP, channel="C0GENERAL1")
    world.clock.advance(timedelta(minutes=10))
    world.driver.command("/coach", f"<@{ANA}|ana>", user=TL, channel=CLASS)
    world.clock.advance(timedelta(minutes=10))
    world.driver.event({"type": "app_home_opened", "user": PM, "tab": "home", "channel": "D0PM0001"})
    world.settle()

    answer = _answer(
        world, world.driver.command("/records", f"reads <@{ANA}|ana>", user=ADMIN, channel=CLASS)
    )
    failed = [line for line in answer.splitlines() if "· failed exams" in line]
    assert len(failed) == 5, answer
    assert "Paolo Manager* · failed exams — the App Home: blocked for AHIP" in failed.pop(0)
    assert "Tess Lead* · failed exams — the /coach form: 3 failed attempt(s)" in failed[0]
    assert "Erin Esp* · failed exams — the ESP tracker export esp-tracker-" in failed[1]
    assert "3 failed attempt(s)" in failed[1]
    assert "Tess Lead* · failed exams — /esp @agent: blocked for AHIP" in failed[2]
    assert "Paolo Manager* · failed exams — /esp class: blocked for AHIP" in failed[3]
    with world.ctx.db.session() as session:
        ben = session.scalar(select(Person.id).where(Person.slack_user_id == BEN))
        reads = session.scalars(select(RecordRead).where(RecordRead.what == "failed_exams")).all()
        assert ben not in {r.person_id for r in reads}  # no failed exam, nothing read
        assert sum(1 for r in reads if (r.detail or "").startswith("the App Home")) == 1

    # The CLI's tracking sheet shows the attempts too; the CLI is the reader.
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.delenv("PLAYBOOK", raising=False)
    with world.ctx.db.session() as session:
        cohort_id = session.scalar(select(Enrollment.cohort_id).limit(1))
    sheet = tmp_path / "sheet.csv"
    assert (
        app.main(["export", "tracker", "--cohort", str(cohort_id), "--format", "csv", "--output", str(sheet)])
        == 0
    )
    assert app.main(["records", "reads", "--agent", ANA]) == 0
    out = capsys.readouterr().out
    assert "\tcli\tfailed exams\tthe tracking sheet sheet.csv: 3 failed attempt(s)" in out


def test_the_whole_record_is_one_formula_safe_zip_for_those_allowed(world, monkeypatch, tmp_path):
    _staff(world)
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CHI))
    world.driver.command(
        "/coach", f"<@{ANA}|ana> conduct verbal =HYPERLINK(evil) typed", user=TL, channel=CLASS
    )
    world.driver.command("/coach", f"<@{ANA}|ana> conduct written Late again", user=TL, channel=CLASS)
    world.driver.command("/failcert", f"<@{ANA}|ana> ahip 55", user=TL, channel=CLASS)
    world.driver.command("/redflag", f"<@{ANA}|ana> background check pending", user=TL, channel=CLASS)

    answer = _answer(world, world.driver.command("/records", f"<@{ANA}|ana>", user=TL, channel=CLASS))
    assert "Ana Ruiz's whole record is in your DM" in answer
    [upload] = [u for u in world.slack.uploads(channel=dm_channel_for(TL)) if u.filename.endswith(".zip")]
    files = _zip(upload)
    assert sorted(files) == ["record.docx", "record.json", "timeline.csv"]
    record = json.loads(files["record.json"])
    assert record["identity"]["n_number"] == "N1234567" and record["identity"]["npn"] == "19283746"
    assert [c["level"] for c in record["coachings"]] == ["Verbal coaching", "Written CAP"]
    assert record["coachings"][1]["cap"] is True and record["coachings"][1]["acknowledged_at"] == ""
    assert record["failed_exams"][0]["attempt"] == 1 and record["failed_exams"][0]["score"] == 55
    assert record["red_flags"][0]["description"] == "check pending"
    assert "points" in record["attendance"] and record["tracker"]["now"]
    cells = [row for row in csv.reader(io.StringIO(files["timeline.csv"].decode()))]
    assert any(cell.startswith("'=HYPERLINK") for row in cells for cell in row)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(files["record.docx"])).paragraphs)
    assert "Agent record: Ana Ruiz" in text and "Written CAP (Conduct)" in text and "Not acknowledged" in text

    # The agent gets their own; a classmate, an ESP manager get a refusal, and no file.
    before = len(world.slack.uploads())
    own = _answer(world, world.driver.command("/records", "", user=ANA, channel=CLASS))
    assert "Ana Ruiz's whole record is in your DM" in own
    assert len(world.slack.uploads(channel=dm_channel_for(ANA))) == 1
    for who in (BEN, ESP):
        refused = _answer(world, world.driver.command("/records", f"<@{ANA}|ana>", user=who, channel=CLASS))
        assert refused.startswith("Sorry"), who
    assert len(world.slack.uploads()) == before + 1
    with world.ctx.db.session() as session:
        reads = session.scalars(select(RecordRead.reader).where(RecordRead.what == "whole_record")).all()
        assert sorted(reads) == sorted([TL, ANA])

    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.delenv("PLAYBOOK", raising=False)
    out = tmp_path / "ana.zip"
    assert app.main(["records", "export", "--agent", ANA, "--out", str(out)]) == 0
    assert json.loads(zipfile.ZipFile(out).read("record.json"))["identity"]["name"] == "Ana Ruiz"


def _move_to_production(world, slack_id, when):
    with world.ctx.db.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == slack_id))
        enrollment = session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
        enrollment.status = "production"
        enrollment.moved_to_production_at = when
        person.email = "ana@example.com"
        session.add(
            G2TRegistration(
                cohort_id=enrollment.cohort_id,
                person_id=person.id,
                state="registered",
                email="ana@example.com",
                join_url="https://example.gotowebinar.com/join/ana-personal",
                updated_at=when,
            )
        )


def test_a_departed_agents_npn_is_gone_on_the_day_the_playbook_says_and_the_record_still_reads(world):
    _staff(world)
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CHI))
    world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal Late back", user=TL, channel=CLASS)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct written Late again", user=TL, channel=CLASS)
    left = world.clock.now()
    _move_to_production(world, ANA, left)
    days = world.ctx.playbook.retention.personal_days

    world.clock.set(left + timedelta(days=days) - timedelta(minutes=1))
    world.run_job(records_jobs.RETENTION_FUNC)
    with world.ctx.db.session() as session:
        ana = session.scalar(select(Person).where(Person.slack_user_id == ANA))
        assert ana.npn == "19283746" and ana.redacted_at is None

    world.clock.set(left + timedelta(days=days))
    world.run_job(records_jobs.RETENTION_FUNC)
    world.run_job(records_jobs.RETENTION_FUNC)  # the next day's run changes nothing more
    with world.ctx.db.session() as session:
        ana = session.scalar(select(Person).where(Person.slack_user_id == ANA))
        assert (ana.npn, ana.email, ana.n_number) == (None, None, "N1234567")
        registration = session.scalar(select(G2TRegistration).where(G2TRegistration.person_id == ana.id))
        assert (registration.join_url, registration.email) == (None, None)
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person.personal_fields_redacted")
        ).all()
        assert len(audits) == 1 and audits[0].details["fields"] == ["npn", "email"]
        assert "19283746" not in json.dumps(audits[0].details)
        # Ben, still in class, keeps his.
        ben = session.scalar(select(Person).where(Person.slack_user_id == BEN))
        assert ben.npn == "28374651"

    # The records still read: the history, and the whole record with "redacted" for the identity.
    history = _answer(world, world.driver.command("/coaching", f"<@{ANA}|ana>", user=ADMIN, channel=CLASS))
    assert "Written CAP" in history and "Late again" in history
    _answer(world, world.driver.command("/records", f"<@{ANA}|ana>", user=TL, channel=CLASS))
    [upload] = [u for u in world.slack.uploads(channel=dm_channel_for(TL)) if u.filename.endswith(".zip")]
    record = json.loads(_zip(upload)["record.json"])
    assert record["identity"]["npn"] == "redacted" and record["identity"]["email"] == "redacted"
    assert record["coachings"][1]["incident"] == "Late again"

    # HR records keep their text for their own period, then only what they were.
    world.clock.set(left + timedelta(days=world.ctx.playbook.retention.hr_records_days))
    world.run_job(records_jobs.RETENTION_FUNC)
    with world.ctx.db.session() as session:
        rows = session.scalars(select(Coaching).order_by(Coaching.id)).all()
        assert [(c.level, c.incident) for c in rows] == [("verbal", "redacted"), ("written", "redacted")]
    history = _answer(world, world.driver.command("/coaching", f"<@{ANA}|ana>", user=ADMIN, channel=CLASS))
    assert "Written CAP" in history and "redacted" in history


def test_an_agent_marked_no_longer_employed_is_redacted_after_the_playbooks_days(world, monkeypatch, capsys):
    import_cohort(world)
    with world.ctx.db.session() as session:
        ana = session.scalar(select(Person).where(Person.slack_user_id == ANA))
        for enrollment in session.scalars(select(Enrollment).where(Enrollment.person_id == ana.id)):
            enrollment.status = "removed"
    monkeypatch.setenv("DATABASE_URL", world.database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.delenv("PLAYBOOK", raising=False)
    assert app.main(["records", "left", "--agent", ANA]) == 0
    assert "Ana Ruiz: no longer employed" in capsys.readouterr().out
    with world.ctx.db.session() as session:
        left = session.scalar(select(Person.left_at).where(Person.slack_user_id == ANA))
    assert left is not None
    world.clock.set(left + timedelta(days=world.ctx.playbook.retention.personal_days, minutes=1))
    world.run_job(records_jobs.RETENTION_FUNC)
    with world.ctx.db.session() as session:
        assert session.scalar(select(Person.npn).where(Person.slack_user_id == ANA)) is None
