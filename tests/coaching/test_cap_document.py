"""The CAP as a document HR can file: the team's DOCX template filled and shared with the TL
(files_upload_v2), the agent's "I have read this", HR told of a Final CAP or a Term proposal with
the document, once; a missing or broken template refused at start."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pytest
import yaml
from sqlalchemy import func, select

from bot.coaching import jobs as coaching_jobs
from bot.config.playbook import PlaybookError, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.slack import ids
from bot.standin.server import dm_channel_for
from db.models import AuditEntry, Coaching, FileDelivery, Role
from tests.helpers import ANA, BEN, CLASS, TL, add_staff, import_cohort, reached, replies, text_of

CHI = ZoneInfo("America/Chicago")
ADMIN = "U0ADM001"
HR_PERSON = "U0HR00001"
HR_CHANNEL = "C0HRCASES1"


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def _written_cap(world, incident="Used the chat for personal jokes"):
    world.driver.command(
        "/coach", f"<@{ANA}|ana> conduct verbal Talked over the trainer", user=TL, channel=CLASS
    )
    world.clock.advance(timedelta(days=1))
    return world.driver.command("/coach", f"<@{ANA}|ana> conduct written {incident}", user=TL, channel=CLASS)


def _with_hr(world):
    hr = world.ctx.playbook.hr.model_copy(
        update={
            "contacts": world.ctx.playbook.hr.contacts.model_copy(
                update={"final_cap": [HR_CHANNEL], "term_proposal": [HR_PERSON, HR_CHANNEL]}
            )
        }
    )
    world.ctx.playbook = world.ctx.playbook.model_copy(update={"hr": hr})


def test_a_written_cap_reaches_the_tl_as_the_filled_docx(world):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=CHI))
    reply = _written_cap(world, "Typed <script> & =HYPERLINK(x) in the chat")
    assert "The filled CAP is in" in replies(world, reply)[0]
    [upload] = world.slack.uploads(channel=dm_channel_for(TL))
    assert upload.filename == "cap-ana-ruiz-written-2026-12-02.docx"
    text = _docx_text(upload.content)
    for expected in (
        "Corrective Action Plan: Written CAP",
        "Agent: Ana Ruiz",
        "N-Number: N1234567",
        "Class: AHIP/Aetna class - Dec 1 (Tue Dec 1, 2026 to Thu Dec 3, 2026)",
        "Policy: Conduct",
        "Team lead: Tess Lead",
        # typed text arrives as typed: escaped for the document's XML, never broken by it
        "Typed <script> & =HYPERLINK(x) in the chat",
        "Verbal coaching (Conduct) by Tess Lead: Talked over the trainer",
        "Treat trainers and classmates with respect",
        "I have read this CAP",
        "Agent signature",
    ):
        assert expected in text, expected
    # A verbal coaching has no paperwork: one file only, and the upload went through a DM.
    assert len(world.slack.uploads()) == 1
    assert [c.method for c in world.slack.calls() if c.method.startswith("files.")][-2:] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


def test_a_teams_own_template_replaces_the_shipped_one_without_code(world, tmp_path):
    template = tmp_path / "our-cap.docx"
    document = docx.Document()
    document.add_paragraph("ACME CAP for {{ agent_name }} ({{ n_number }}), {{ level }}")
    document.add_paragraph("TL: {{ tl_name }}")
    document.save(str(template))
    cap = world.ctx.playbook.cap.model_copy(update={"document": str(template)})
    world.ctx.playbook = world.ctx.playbook.model_copy(update={"cap": cap})
    import_cohort(world)
    _written_cap(world)
    [upload] = world.slack.uploads(channel=dm_channel_for(TL))
    assert _docx_text(upload.content) == "ACME CAP for Ana Ruiz (N1234567), Written CAP\nTL: Tess Lead"


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "does not exist"),
        (b"not a zip at all", "is not a DOCX template I can read"),
        ("{{ agent_name }} {{ salary }}", "unknown placeholders ['salary']"),
        ("{% if %}", "is not a DOCX template I can read"),
    ],
)
def test_a_missing_or_broken_template_is_refused_at_start(tmp_path, content, expected):
    template = tmp_path / "cap.docx"
    if isinstance(content, bytes):
        template.write_bytes(content)
    elif isinstance(content, str):
        document = docx.Document()
        document.add_paragraph(content)
        document.save(str(template))
    raw = yaml.safe_load(SHIPPED_PLAYBOOK.read_text())
    raw.setdefault("cap", {})["document"] = str(template)
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(PlaybookError) as error:
        load_playbook(path)
    assert "cap.document" in str(error.value) and expected in str(error.value)


def _card_button(world, user):
    [dm] = world.slack.dms_to(user)
    actions = next(b for b in dm["blocks"] if b["type"] == "actions")
    return dm, actions["elements"][0]


def test_the_agent_acknowledges_once_and_only_the_agent_may(world):
    import_cohort(world)
    add_staff(world, {ADMIN: ("Alex Admin", Role.ADMIN)})
    world.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
    _written_cap(world)
    dm, button = _card_button(world, ANA)
    assert button["text"]["text"] == "I have read this" and button["action_id"] == ids.ACTION_CAP_ACKNOWLEDGE
    assert "Used the chat for personal jokes" in text_of(dm)

    # Someone else pressing it (a classmate, even an admin) is refused, and nothing is recorded.
    for other in (BEN, ADMIN, TL):
        reply = world.driver.action(ids.ACTION_CAP_ACKNOWLEDGE, button["value"], user=other, channel="D0DM")
        assert replies(world, reply)[-1].startswith("Sorry"), other
    with world.ctx.db.session() as session:
        assert session.scalar(select(Coaching.acknowledged_at).where(Coaching.level == "written")) is None

    world.clock.advance(timedelta(minutes=5))
    reply = world.driver.action(ids.ACTION_CAP_ACKNOWLEDGE, button["value"], user=ANA, channel="D0DM")
    assert "Acknowledged Thu Dec 3, 9:05 AM CST" in replies(world, reply)[-1]
    world.clock.advance(timedelta(minutes=1))
    world.driver.action(ids.ACTION_CAP_ACKNOWLEDGE, button["value"], user=ANA, channel="D0DM")
    with world.ctx.db.session() as session:
        cap = session.scalar(select(Coaching).where(Coaching.level == "written"))
        assert cap.acknowledged_at == datetime(2026, 12, 3, 9, 5, tzinfo=CHI)
        acks = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "cap.acknowledged")
        )
        assert acks == 1
    # The CAP record shows it.
    history = replies(world, world.driver.command("/coaching", f"<@{ANA}|ana>", user=TL, channel=CLASS))[0]
    assert "Acknowledged by the agent Thu Dec 3, 9:05 AM CST" in history
    assert "Not acknowledged" not in history


def test_a_failed_exam_cap_asks_the_agent_to_understand_a_third_failure(world):
    import_cohort(world)
    world.driver.command("/coach", f"<@{ANA}|ana> failedcert verbal Failed AHIP once", user=TL, channel=CLASS)
    world.driver.command(
        "/coach", f"<@{ANA}|ana> failedcert written Failed AHIP twice", user=TL, channel=CLASS
    )
    [dm] = world.slack.dms_to(ANA)
    assert "a 3rd failed exam may lead to termination" in text_of(dm)


def test_a_cap_not_acknowledged_in_time_is_named_to_the_tl_once(world):
    import_cohort(world)
    world.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=CHI))
    _written_cap(world)

    def named() -> list[dict]:
        # A line of the TL's digest (the notification budget), once its moment has come.
        return [m for m in reached(world, TL) if "has not acknowledged" in text_of(m)]

    world.clock.advance(timedelta(hours=20))
    world.run_job(coaching_jobs.UNACKNOWLEDGED_FUNC)
    assert named() == []  # not due yet (48 hours)
    world.clock.advance(timedelta(hours=30))
    world.run_job(coaching_jobs.UNACKNOWLEDGED_FUNC)
    world.run_job(coaching_jobs.UNACKNOWLEDGED_FUNC)
    [line] = named()
    assert "Ana Ruiz has not acknowledged the Written CAP of Thu Dec 3, 2026" in text_of(line)


def test_hr_gets_a_final_cap_and_a_term_proposal_with_the_document_once(world):
    _with_hr(world)
    import_cohort(world)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct verbal One", user=TL, channel=CLASS)
    world.driver.command("/coach", f"<@{ANA}|ana> conduct written Two", user=TL, channel=CLASS)
    assert world.slack.uploads(channel=HR_CHANNEL) == []  # a Written CAP stays with the TL
    reply = world.driver.command("/coach", f"<@{ANA}|ana> conduct final Three", user=TL, channel=CLASS)
    assert f"HR has the document: <#{HR_CHANNEL}>" in replies(world, reply)[0]
    [final] = world.slack.uploads(channel=HR_CHANNEL)
    assert "Corrective Action Plan: Final CAP" in _docx_text(final.content)
    assert "For HR: A Final CAP for Ana Ruiz (Conduct)" in (final.initial_comment or "")

    # The Term proposal through the form, submitted twice (a double click): one record, one file each.
    values = {
        "coach_policy": {"value": {"type": "static_select", "selected_option": {"value": "conduct"}}},
        "coach_level": {"value": {"type": "static_select", "selected_option": {"value": "term"}}},
        "coach_incident": {"value": {"type": "plain_text_input", "value": "Four"}},
        "coach_expectation": {"value": {"type": "plain_text_input", "value": None}},
        "coach_skip_reason": {"value": {"type": "plain_text_input", "value": None}},
    }
    meta = json.dumps({"agent": ANA})
    for _ in range(2):
        world.driver.submit_view("coach_modal", values, user=TL, private_metadata=meta, view_id="V0TERM1")
    assert len(world.slack.uploads(channel=dm_channel_for(HR_PERSON))) == 1
    assert len(world.slack.uploads(channel=HR_CHANNEL)) == 2
    term = world.slack.uploads(channel=dm_channel_for(HR_PERSON))[0]
    assert "For HR: A Term proposal for Ana Ruiz" in (term.initial_comment or "")
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Coaching).where(Coaching.level == "term")) == 1
        kinds = session.scalars(select(FileDelivery.kind).order_by(FileDelivery.id)).all()
        assert kinds.count("hr_cap") == 3


def test_an_upload_slack_refuses_is_retried_not_lost_or_doubled(world):
    import_cohort(world)
    world.slack.fail("files.getUploadURLExternal", error="internal_error")
    reply = _written_cap(world)
    assert "Saved" in replies(world, reply)[0]
    assert world.slack.uploads() == []
    world.run_job("scheduler.jobs:retry_outbox")
    world.run_job("scheduler.jobs:retry_outbox")
    assert len(world.slack.uploads(channel=dm_channel_for(TL))) == 1
