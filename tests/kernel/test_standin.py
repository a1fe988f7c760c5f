"""The stand-in refuses what Slack refuses, so a test cannot pass on Block Kit Slack would reject."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import header, section


@pytest.fixture
def client(standin):
    standin.reset()
    yield WebClient(token="xoxb-x", base_url=standin.api_url)
    standin.reset()  # these refusals are the point here; don't leave them for the next test


def test_a_valid_message_is_accepted(client, standin):
    response = client.chat_postMessage(
        channel="C0CLASS01", text="hi", blocks=[header("Day 1"), section("Welcome")]
    )
    assert response["ok"] and response["ts"]


@pytest.mark.parametrize(
    "blocks, problem",
    [
        ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], "limit 150"),
        ([section("")], "empty text"),
        ([section("x")] * 51, "51 blocks"),
        ([{"type": "actions", "elements": []}], "action elements"),
    ],
)
def test_invalid_message_blocks_are_refused(client, standin, blocks, problem):
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C0CLASS01", text="hi", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"
    assert any(problem in p for p in refused.value.response["response_metadata"]["messages"])


def test_a_modal_title_over_24_characters_is_refused(client, standin):
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title far too long for Slack"},
        "blocks": [section("x")],
    }
    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id="t", view=view)
    assert refused.value.response["error"] == "invalid_arguments"
