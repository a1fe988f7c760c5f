"""Before a signature is checked, nothing is learned from a request: an unsigned flood gets 401s
and adds no /metrics series, a signed request for no listener of ours is one "other" series, and
the body cap is what Slack sends (the bot's largest Home, carried back in a click, fits well)."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from prometheus_client import REGISTRY

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.slack import ids
from bot.slack.request_guard import MAX_BODY_BYTES
from bot.slack.web import LISTENER_LABELS, OTHER, UNVERIFIED
from bot.standin.classes import big_cohort
from db.models import AuditEntry, Notification, ProcessedEvent
from tests.helpers import TL, add_staff

pytestmark = pytest.mark.http  # what is under test is the HTTP face itself


def _labels() -> set[str]:
    return {
        sample.labels["listener"]
        for metric in REGISTRY.collect()
        if metric.name == "training_day_ack_seconds"
        for sample in metric.samples
        if "listener" in sample.labels
    }


def _metrics(world) -> str:
    with urllib.request.urlopen(f"{world.url}/metrics", timeout=5) as response:
        return response.read().decode()


def _post(world, body: bytes, content_type: str, signature: str = "v0=forged") -> int:
    request = urllib.request.Request(
        f"{world.url}/slack/events",
        data=body,
        method="POST",
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _rows(world) -> tuple[int, int, int]:
    with world.ctx.db.session() as session:
        return (
            session.query(AuditEntry).count(),
            session.query(Notification).count(),
            session.query(ProcessedEvent).count(),
        )


def _forgeries(n: int) -> list[tuple[bytes, str]]:
    """What a client that can reach the endpoint sends: each names a listener of its own."""
    forms, name = [], "application/x-www-form-urlencoded"
    for i in range(n):
        unique = f"x{i:04d}-{'y' * (i % 7)}"
        kind = i % 4
        if kind == 0:
            forms.append(
                (urlencode({"command": f"/{unique}", "user_id": "U0X", "text": "hi"}).encode(), name)
            )
        elif kind == 1:
            payload = {"type": "block_actions", "user": {"id": "U0X"}, "actions": [{"action_id": unique}]}
            forms.append((urlencode({"payload": json.dumps(payload)}).encode(), name))
        elif kind == 2:
            payload = {"type": "view_submission", "user": {"id": "U0X"}, "view": {"callback_id": unique}}
            forms.append((urlencode({"payload": json.dumps(payload)}).encode(), name))
        else:
            body = {"type": "event_callback", "event": {"type": unique, "user": "U0X"}, "event_id": unique}
            forms.append((json.dumps(body).encode(), "application/json"))
    return forms


def test_forty_five_unsigned_requests_add_no_series_and_write_nothing(world):
    world.driver.command(ids.COHORT, "", user="U0STRANGER", channel="C0CLASS01")  # one real series
    before, size_before, rows = _labels(), len(_metrics(world)), _rows(world)

    statuses = [_post(world, body, kind) for body, kind in _forgeries(45)]

    assert statuses == [401] * 45
    added = _labels() - before
    assert added <= {"unverified"}  # one series for all of them, however many and however named
    assert len(_metrics(world)) - size_before < 3_000
    assert _rows(world) == rows and world.slack.calls("chat.postMessage") == []
    assert not any(name.startswith(("/x0", "block_actions:x0", "event:x0")) for name in _labels())


def test_a_signed_request_for_no_listener_of_ours_is_one_other_series(world):
    before = _labels()
    for i in range(5):
        world.driver.raw(
            urlencode({"command": f"/made-up-{i}", "user_id": TL, "text": ""}),
            "application/x-www-form-urlencoded",
        )
        world.driver.action(f"made_up_{i}", user=TL, channel="C0CLASS01")
    assert _labels() - before <= {"other"}
    world.driver.command(ids.COHORT, "", user="U0STRANGER", channel="C0CLASS01")
    assert "/cohort" in _labels()


def _click(view: dict) -> bytes:
    """A click on a view: Slack sends the whole view back, form-encoded."""
    payload = {
        "type": "block_actions",
        "user": {"id": TL},
        "view": view | {"id": "V0", "state": {"values": {}}},
        "actions": [{"action_id": ids.ACTION_FORM_OPEN["cert"], "value": ""}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def _full_section(i: int) -> dict:
    line = "*Agent Name 123* :white_check_mark: AHIP · Aetna · TBT — day 2, MIA ×1\n"
    return {"type": "section", "block_id": f"b{i}", "text": {"type": "mrkdwn", "text": (line * 60)[:3000]}}


def test_the_body_cap_holds_the_largest_view_slack_can_send_back(world):
    spec = parse_cohort(big_cohort(200, channel="C0BIGCLS1"), world.ctx.playbook)
    add_staff(world)
    with world.ctx.db.session() as session:
        cohorts.import_cohort(session, spec, actor="cli", now=world.clock.now())
    world.driver.event({"type": "app_home_opened", "user": TL, "tab": "home", "channel": "D0TL0001"})
    [home] = world.slack.calls("views.publish")
    view = json.loads(home.args["view"]) if isinstance(home.args["view"], str) else home.args["view"]
    # A click on that Home: Slack sends the whole view back, form-encoded.
    payload = {
        "type": "block_actions",
        "user": {"id": TL},
        "view": view | {"id": "V0", "state": {"values": {}}},
        "actions": [{"action_id": ids.ACTION_FORM_OPEN["cert"], "value": ""}],
    }
    click = urlencode({"payload": json.dumps(payload)}).encode()
    full = _click({"type": "home", "blocks": [_full_section(i) for i in range(100)]})
    print(
        f"clicks on a 200-agent Home: {len(click):,} bytes, on a full view: {len(full):,}; cap {MAX_BODY_BYTES:,}"
    )
    assert len(click) < MAX_BODY_BYTES / 10 and len(full) < MAX_BODY_BYTES
    # Past the cap a body is refused on its headers alone: test_forged_payloads.py's
    # test_oversized_body_is_refused_before_it_is_read.


def test_the_exposition_names_only_listener_labels(world):
    world.driver.command(ids.COHORT, "", user="U0STRANGER", channel="C0CLASS01")
    allowed = LISTENER_LABELS | {OTHER, UNVERIFIED}
    assert _labels() <= allowed
    assert all(re.fullmatch(r"[/a-z_:]+", label) for label in allowed)
