"""Block Kit for failed cert exams: the /failcert form, and the answer with its button to
document the proposed coaching. Pure functions: view models in, blocks out."""

from __future__ import annotations

from typing import Any

from bot.certs.types import FailureResult
from bot.coaching.types import CoachOpen
from bot.slack import ids
from bot.slack.blocks import Block, button, input_block, plain, section

FAILCERT_USAGE = (
    "Type `/failcert @agent ahip 62 note` (the agent, the carrier, the score if you have it, a note), "
    "or just `/failcert` for the form."
)


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": plain(label[:75]), "value": key} for key, label in pairs]


def failcert_modal(carriers: list[tuple[str, str]], agent: str | None = None) -> dict[str, Any]:
    agent_el: dict[str, Any] = {"type": "users_select", "action_id": ids.FIELD_INPUT}
    if agent:
        agent_el["initial_user"] = agent
    return {
        "type": "modal",
        "callback_id": ids.VIEW_FAILCERT,
        "title": plain("Failed cert exam"),
        "submit": plain("Record"),
        "close": plain("Cancel"),
        "blocks": [
            input_block(ids.FAILCERT_AGENT_BLOCK, "Agent", agent_el),
            input_block(
                ids.FAILCERT_CARRIER_BLOCK,
                "Carrier",
                {"type": "static_select", "action_id": ids.FIELD_INPUT, "options": _options(carriers)},
            ),
            input_block(
                ids.FAILCERT_SCORE_BLOCK,
                "Score",
                {"type": "number_input", "action_id": ids.FIELD_INPUT, "is_decimal_allowed": False},
                optional=True,
            ),
            input_block(
                ids.FAILCERT_NOTE_BLOCK,
                "Note",
                {"type": "plain_text_input", "action_id": ids.FIELD_INPUT, "max_length": 500},
                optional=True,
            ),
        ],
    }


def failure_answer(result: FailureResult, text: str) -> list[Block]:
    """The answer to a failed attempt: the guide's step and a button to document the proposed coaching."""
    proposal = CoachOpen(
        agent=result.agent_slack_id,
        policy="failedcert",
        level=result.proposed_level,
        links=[f"attempt:{result.attempt_id}"],
        incident=f"Failed the {result.carrier_name} exam ({result.ordinal} of {result.limit} attempts"
        + (f", score {result.score}" if result.score is not None else "")
        + ").",
    )
    document = button(
        f"Document the {result.proposed_label}…",
        ids.ACTION_COACH_OPEN,
        proposal.value(),
        style="primary",
        label=f"Document the {result.proposed_label} for {result.agent_name}",
    )
    return failure_reply(text + f"\nProposed coaching: *{result.proposed_label}*.", document)


def failure_reply(text: str, proposal_button: dict[str, Any] | None) -> list[Block]:
    blocks: list[Block] = [section(text)]
    if proposal_button is not None:
        blocks.append({"type": "actions", "elements": [proposal_button]})
    return blocks
