"""LOG_FORMAT=json: one object per line naming the listener, the person, the class and the job it
serves, never mixing two requests, and never carrying a token or a secret."""

from __future__ import annotations

import io
import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from bot.config.settings import Settings
from bot.core import logs
from bot.help_queue.blocks import still_stuck_value
from scheduler.runner import JobExecutor
from tests.help_queue.test_help_queue import import_cohort
from tests.helpers import CHLOE, CLASS, TL

job_log = logging.getLogger("tests.a_job")


@pytest.fixture
def json_lines():
    """What the process's JSON handler writes, read back as objects."""
    stream = io.StringIO()
    handler = logs.handler_for(
        "json", ["s3cret-signing-value", "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="], stream
    )
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_listener_line_names_the_listener_the_person_and_the_class(world, json_lines):
    cohort_id = import_cohort(world)
    # The TL's claim button cannot be delivered: the outbox logs it from the listener's thread.
    world.slack.fail("chat.postMessage", error="channel_not_found", channel=TL)
    world.driver.action(
        "help_still_stuck", still_stuck_value("g2t_audio", "no audio"), user=CHLOE, channel=CLASS
    )
    [line] = [e for e in json_lines() if e["message"].startswith("could not send")]
    assert line["level"] == "WARNING" and line["logger"] == "bot.core.outbox"
    assert line["listener"] == "action:help_still_stuck"
    assert line["handler"] == "still_stuck"
    assert line["user"] == CHLOE
    assert line["cohort"] == str(cohort_id)
    assert line["thread"].startswith("listener")
    assert "job" not in line


def test_concurrent_requests_keep_their_own_fields(world, json_lines):
    import_cohort(world)
    world.slack.fail("chat.postMessage", error="channel_not_found", channel=TL, times=2)
    threads = [
        threading.Thread(
            target=world.driver.action,
            args=("help_still_stuck", still_stuck_value("g2t_audio", f"no audio {n}")),
            kwargs={"user": user, "channel": CLASS},
        )
        for n, user in enumerate((CHLOE, "U0AG0001"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.settle()
    sent = [e for e in json_lines() if e["message"].startswith("could not send")]
    assert sorted(e["user"] for e in sent) == sorted((CHLOE, "U0AG0001"))
    # Nothing bound in one request's thread is left on the lines the test thread writes after.
    logging.getLogger("tests").warning("after")
    assert set(json_lines()[-1]) & {"listener", "user", "cohort", "handler"} == set()


def a_job(n: int) -> None:
    job_log.warning("job ran with %s", n)


def test_a_scheduled_job_line_names_the_job_and_its_class(json_lines):
    scheduler = BackgroundScheduler(executors={"default": JobExecutor(2)}, timezone=UTC)
    done = threading.Event()
    scheduler.add_listener(lambda _event: done.set(), EVENT_JOB_EXECUTED)
    scheduler.start()
    try:
        scheduler.add_job(
            "tests.kernel.test_json_logs:a_job",
            trigger=DateTrigger(datetime.now(UTC) + timedelta(milliseconds=50)),
            args=(7,),
            id="cohort:12:day:1:morning_post",
        )
        assert done.wait(10)
    finally:
        scheduler.shutdown(wait=True)
    [line] = [e for e in json_lines() if e["message"] == "job ran with 7"]
    assert line["job"] == "cohort:12:day:1:morning_post"
    assert line["cohort"] == "12"
    assert "user" not in line and "listener" not in line


def test_tokens_and_secret_settings_are_never_written(json_lines):
    log = logging.getLogger("tests.secrets")
    log.warning("token xoxb-1234567890-abcdefghij and app token xapp-1-A0123-456-abcdef")
    log.warning("signing s3cret-signing-value, key Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk=")
    try:
        raise RuntimeError("bad auth for xoxb-1234567890-abcdefghij")
    except RuntimeError:
        log.exception("failed")
    written = json.dumps(json_lines(), ensure_ascii=False)
    for secret in ("1234567890-abcdefghij", "A0123-456-abcdef", "s3cret-signing-value", "Zm9yLXRlc3Rz"):
        assert secret not in written
    assert "xoxb-…" in written


def test_the_settings_name_every_secret_to_mask(monkeypatch):
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-bot-token-value",
        "SLACK_SIGNING_SECRET": "signing-secret-value",
        "SLACK_APP_TOKEN": "xapp-app-token-value",
        "G2T_CLIENT_SECRET": "goto-client-secret",
        "G2T_TOKEN_KEY": "new-fernet-key-value,old-fernet-key-value",
        "METRICS_TOKEN": "metrics-token-value",
        "DATABASE_URL": "postgresql+psycopg://bot:db-password-value@db/bot",
    }.items():
        monkeypatch.setenv(name, value)
    secrets = Settings(_env_file=None).secret_values()  # type: ignore[call-arg]
    for value in (
        "xoxb-bot-token-value",
        "signing-secret-value",
        "goto-client-secret",
        "new-fernet-key-value",
        "old-fernet-key-value",
        "metrics-token-value",
        "db-password-value",
    ):
        assert value in secrets


def test_log_format_is_text_or_json(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "yaml")
    with pytest.raises(ValueError, match="log_format"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    stream = io.StringIO()
    handler = logs.handler_for("text", ["s3cret-signing-value"], stream)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "secret s3cret-signing-value", None, None)
    handler.handle(record)
    assert "s3cret" not in stream.getvalue() and "secret …" in stream.getvalue()
