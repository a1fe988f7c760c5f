"""Event deliveries: a retry of a processed event counts once; a retry whose first copy was lost counts."""

from __future__ import annotations

from tests.helpers import CLASS, import_cohort

ANA = "U0AG0001"


def _joined(world, event_id, retry_num=None):
    return world.driver.event(
        {"type": "member_joined_channel", "user": ANA, "channel": CLASS, "event_ts": "1.0"},
        event_id=event_id,
        retry_num=retry_num,
    )


def test_enrolled_agent_joining_the_class_channel_is_welcomed_once_despite_retries(world):
    import_cohort(world)
    assert _joined(world, "Ev001").status == 200
    assert _joined(world, "Ev001", retry_num=1).status == 200
    assert _joined(world, "Ev001", retry_num=2).status == 200
    [welcome] = world.slack.ephemerals_to(ANA)
    assert "Welcome to *AHIP/Aetna class - Dec 1*, Ana Ruiz" in welcome["blocks"][0]["text"]["text"]
    assert "never your NPN" in welcome["blocks"][1]["text"]["text"]
    assert "13 green checkmarks" in welcome["blocks"][1]["text"]["text"]


def test_a_retry_is_processed_when_the_first_delivery_was_lost(world):
    import_cohort(world)
    _joined(world, "Ev002", retry_num=1)
    assert len(world.slack.ephemerals_to(ANA)) == 1


def test_someone_not_enrolled_or_another_channel_changes_nothing(world):
    import_cohort(world)
    world.driver.event(
        {"type": "member_joined_channel", "user": "U0STRANGER", "channel": CLASS, "event_ts": "1"}
    )
    world.driver.event(
        {"type": "member_joined_channel", "user": ANA, "channel": "C0OTHER01", "event_ts": "1"}
    )
    assert world.slack.calls("chat.postEphemeral") == []


def test_a_failure_while_processing_leaves_the_event_for_its_retry(world):
    import_cohort(world)
    world.slack.fail("chat.postEphemeral", error="channel_not_found")
    _joined(world, "Ev003")
    _joined(world, "Ev003", retry_num=1)
    assert len(world.slack.ephemerals_to(ANA)) == 1
