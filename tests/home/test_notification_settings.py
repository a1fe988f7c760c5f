"""Notification settings from the Home: by default a failed exam waits for the TL's digest after
the break, with its line; a TL who unticks everything gets it at once; quiet hours hold what is
not urgent until they end (a help request still comes at once); a malformed time writes nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.slack import ids
from db.models import NotificationPreference
from tests.helpers import ANA, BEN, CLASS, PM, TL, import_cohort, notices_to, text_of

CHI = ZoneInfo("America/Chicago")


def _open_settings(world) -> dict:
    world.driver.event({"type": ids.EVENT_APP_HOME_OPENED, "user": TL, "tab": "home", "event_ts": "1.0"})
    home = world.slack.state.home[TL]
    found = [
        e["action_id"]
        for b in home["blocks"]
        for e in b.get("elements", [])
        if e.get("type") == "button" and e["action_id"] == ids.ACTION_NOTIFICATION_SETTINGS
    ]
    assert found, "the Home shows the Notification settings button"
    world.driver.action(ids.ACTION_NOTIFICATION_SETTINGS, "", user=TL)
    return world.slack.calls("views.open")[-1].args["view"]


def _submit(world, kinds: list[str], moments: str = "", quiet: tuple[str, str] | None = None):
    values: dict = {
        ids.NOTIFY_KINDS_BLOCK: {
            "value": {"type": "multi_static_select", "selected_options": [{"value": k} for k in kinds]}
        },
        ids.NOTIFY_MOMENTS_BLOCK: {"value": {"type": "plain_text_input", "value": moments}},
    }
    if quiet:
        values[ids.NOTIFY_QUIET_FROM_BLOCK] = {"value": {"type": "timepicker", "selected_time": quiet[0]}}
        values[ids.NOTIFY_QUIET_UNTIL_BLOCK] = {"value": {"type": "timepicker", "selected_time": quiet[1]}}
    return world.driver.submit_view(ids.VIEW_NOTIFICATION_SETTINGS, values, user=TL)


def _failed_exam_dms(world) -> list[dict]:
    return [m for m in world.slack.dms_to(TL) if "failed the AHIP exam" in text_of(m)]


def test_a_failed_exam_waits_for_the_digest_by_default(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 9, 30, tzinfo=CHI))
    world.driver.command("/failcert", f"<@{BEN}|ben> ahip 61", user=PM, channel=CLASS)
    assert _failed_exam_dms(world) == []
    world.advance_to(datetime(2026, 12, 1, 10, 16, tzinfo=CHI))
    [line] = [m for m in notices_to(world, TL) if "failed the AHIP exam" in text_of(m)]
    assert line.get("digest") and "Ben Okafor" in text_of(line)


def test_a_team_lead_who_wants_every_alert_at_once_gets_it(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 9, 30, tzinfo=CHI))
    modal = _open_settings(world)
    kinds = next(b for b in modal["blocks"] if b.get("block_id") == ids.NOTIFY_KINDS_BLOCK)
    assert {o["value"] for o in kinds["element"]["initial_options"]} >= {"mia_alert", "failcert"}
    _submit(world, kinds=[])
    assert "every alert at once" in text_of(world.slack.dms_to(TL)[-1])
    world.driver.command("/failcert", f"<@{BEN}|ben> ahip 61", user=PM, channel=CLASS)
    [dm] = _failed_exam_dms(world)
    assert "Ben Okafor" in text_of(dm)
    # The modal shows the choice next time.
    kinds = next(b for b in _open_settings(world)["blocks"] if b.get("block_id") == ids.NOTIFY_KINDS_BLOCK)
    assert "initial_options" not in kinds["element"]


def test_quiet_hours_hold_what_is_not_urgent_and_let_help_through(world):
    import_cohort(world)
    world.advance_to(datetime(2026, 12, 1, 9, 0, tzinfo=CHI))
    _open_settings(world)
    _submit(world, kinds=[], quiet=("09:00", "11:00"))
    world.driver.command("/failcert", f"<@{BEN}|ben> ahip 61", user=PM, channel=CLASS)
    world.driver.command("/needhelp", "Citrix will not open", user=ANA, channel=CLASS)
    assert _failed_exam_dms(world) == []
    assert any("Citrix will not open" in text_of(m) for m in world.slack.dms_to(TL))
    world.advance_to(datetime(2026, 12, 1, 11, 1, tzinfo=CHI))
    assert len(_failed_exam_dms(world)) == 1


def test_a_malformed_time_is_refused_on_its_field_and_writes_nothing(world):
    import_cohort(world)
    _open_settings(world)
    body = _submit(world, kinds=["failcert"], moments="10:15, lunchtime").json()
    assert "lunchtime" in body["errors"][ids.NOTIFY_MOMENTS_BLOCK]
    body = _submit(world, kinds=["failcert"], quiet=("09:00", "09:00")).json()
    assert "another time" in body["errors"][ids.NOTIFY_QUIET_UNTIL_BLOCK]
    with world.ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(NotificationPreference)) == 0
