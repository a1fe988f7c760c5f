"""`training-day outbox list|retry`: what did not go is seen without SQL, and sent again once,
audited; a sent message is never sent twice."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select, update

import app
from bot.core import outbox
from db.models import AuditEntry, Notification

TL = "U0TL0001"
PM = "U0PM0001"


@pytest.fixture
def cli(world, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_API_URL", world.slack.api_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-standin")
    monkeypatch.delenv("PLAYBOOK", raising=False)
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    return world


def _failed(world, key, recipient=TL, kind="mia.alert", text="Ben is MIA", **extra):
    world.slack.fail("chat.postMessage", error="channel_not_found")
    outcome = outbox.send_once(
        world.ctx.db,
        world.ctx.client,
        key=key,
        kind=kind,
        recipient=recipient,
        text=text,
        now=world.clock.now(),
        **extra,
    )
    assert not outcome.sent
    return outcome


def _status(world, key):
    with world.ctx.db.session() as s:
        return s.scalar(select(Notification.status).where(Notification.key == key))


def test_list_shows_what_did_not_go_with_its_error_and_utc_times(cli, capsys):
    _failed(cli, "mia:1:ben", kind="mia.alert")
    _failed(cli, "pm:1:dm", recipient=PM, kind="pm.dm", text="Class summary")
    outbox.send_once(
        cli.ctx.db,
        cli.ctx.client,
        key="ok:1",
        kind="mia.alert",
        recipient=TL,
        text="fine",
        now=cli.clock.now(),
    )
    assert app.main(["outbox", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["KEY", "KIND", "RECIPIENT", "STATUS", "TRIES"]
    assert len(lines) == 3 and "ok:1" not in out
    ben = next(line for line in lines if line.startswith("mia:1:ben"))
    assert ben.split()[1:5] == ["mia.alert", TL, "failed", "1"]
    assert f"{cli.clock.now().astimezone(UTC):%Y-%m-%d %H:%M}Z" in ben
    assert ben.endswith("channel_not_found")

    assert app.main(["outbox", "list", "--kind", "pm.dm"]) == 0
    out = capsys.readouterr().out
    assert "pm:1:dm" in out and "mia:1:ben" not in out
    assert app.main(["outbox", "list", "--status", "sent"]) == 0
    assert "ok:1" in capsys.readouterr().out
    assert app.main(["outbox", "list", "--status", "dead"]) == 0
    assert capsys.readouterr().out.startswith("no messages dead")


def test_retry_sends_once_audited_and_never_resends_a_sent_message(cli, capsys):
    _failed(cli, "mia:1:ben")
    assert cli.slack.dms_to(TL) == []
    assert app.main(["outbox", "retry", "mia:1:ben"]) == 0
    assert capsys.readouterr().out.strip() == "mia:1:ben: sent"
    assert [m["text"] for m in cli.slack.dms_to(TL)] == ["Ben is MIA"]
    assert _status(cli, "mia:1:ben") == "sent"
    with cli.ctx.db.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.resend")).all()
        assert (entry.actor, entry.entity, entry.entity_id) == ("cli", "notification", "mia:1:ben")
        assert entry.details == {"status": "failed", "attempts": 1, "last_error": "channel_not_found"}

    assert app.main(["outbox", "retry", "mia:1:ben"]) == 2
    assert "never sent twice" in capsys.readouterr().err
    assert len(cli.slack.dms_to(TL)) == 1
    # Nor does the scheduled retry send it again.
    assert outbox.retry_failed(cli.ctx.db, cli.ctx.client, cli.clock.now()) == []
    assert len(cli.slack.dms_to(TL)) == 1


def test_a_message_that_failed_for_good_or_expired_can_still_be_sent_by_hand(cli, capsys):
    _failed(cli, "dead:1")
    _failed(
        cli, "late:1", recipient=PM, text="Break is over", expires_at=cli.clock.now() + timedelta(minutes=1)
    )
    with cli.ctx.db.session() as s:
        s.execute(update(Notification).where(Notification.key == "dead:1").values(status="dead", attempts=5))
        s.execute(update(Notification).where(Notification.key == "late:1").values(status="expired"))
    # The scheduled retry leaves both alone ...
    assert outbox.retry_failed(cli.ctx.db, cli.ctx.client, cli.clock.now()) == []
    # ... an operator does not.
    assert app.main(["outbox", "retry", "late:1"]) == 0
    assert [m["text"] for m in cli.slack.dms_to(PM)] == ["Break is over"]
    assert app.main(["outbox", "retry", "--all-failed"]) == 0
    out = capsys.readouterr().out
    assert "dead:1: sent" in out and "1 of 1 sent" in out
    assert [m["text"] for m in cli.slack.dms_to(TL)] == ["Ben is MIA"]
    assert app.main(["outbox", "retry", "--all-failed"]) == 0
    assert "no failed messages" in capsys.readouterr().out
    assert len(cli.slack.dms_to(TL)) == 1


def test_a_retry_slack_refuses_again_is_recorded_and_says_so(cli, capsys):
    _failed(cli, "mia:1:ben")
    cli.slack.fail("chat.postMessage", error="channel_not_found")
    assert app.main(["outbox", "retry", "mia:1:ben"]) == 1
    assert "not sent: Slack answered channel_not_found" in capsys.readouterr().out
    with cli.ctx.db.session() as s:
        row = s.scalar(select(Notification).where(Notification.key == "mia:1:ben"))
        assert (row.status, row.attempts) == ("failed", 2)


def test_unknown_key_and_a_message_mid_send_are_refused_and_nothing_is_sent(cli, capsys):
    assert app.main(["outbox", "retry", "nope"]) == 2
    assert "no message has the key 'nope'" in capsys.readouterr().err
    _failed(cli, "mia:1:ben")
    with cli.ctx.db.session() as s:
        s.execute(update(Notification).where(Notification.key == "mia:1:ben").values(status="sending"))
    assert app.main(["outbox", "retry", "mia:1:ben"]) == 2
    assert "may have posted it" in capsys.readouterr().err
    assert cli.slack.dms_to(TL) == []
    with cli.ctx.db.session() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "outbox.resend")).all() == []


def test_retry_without_a_token_sends_nothing(cli, monkeypatch, tmp_path, capsys):
    _failed(cli, "mia:1:ben")
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    monkeypatch.chdir(tmp_path)  # no .env to read a token from
    assert app.main(["outbox", "retry", "mia:1:ben"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().out
    assert _status(cli, "mia:1:ben") == "failed"
