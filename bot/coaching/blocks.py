"""Block Kit for coaching: the /coach form and its button, a saved coaching, the CAP, the
history. Pure functions: view models in, blocks out."""

from __future__ import annotations

import json
from typing import Any

from bot.coaching.types import CapCard, CoachForm, CoachingSaved, CoachOpen, History
from bot.core.text import EXPECTATION, INCIDENT, NOTE, SECTION, escape, escape_line, shorten
from bot.slack import ids
from bot.slack.blocks import Block, button, context, header, input_block, plain, section

# Slack shows at most 50 blocks in a message; a long history shows its newest coachings.
HISTORY_ROWS = 40

COACH_USAGE = (
    "*/coach* — document a coaching:\n"
    "• `/coach @agent` — opens the form with the agent's records and the proposed step\n"
    "• `/coach @agent attendance verbal Missed the hand-raise before lunch` — without the form\n"
    "Policies: attendance, timeframe, failedcert, conduct. Levels: verbal, written, final, term."
)


def _options(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": plain(label[:75]), "value": key} for key, label in pairs]


def coach_modal(form: CoachForm) -> dict[str, Any]:
    policy_options = _options(form.policies)
    level_options = _options(form.levels)
    who = f"*{escape_line(form.agent_name)}*" + (f" ({form.n_number})" if form.n_number else "")
    if form.cohort_name:
        who += f" · {escape_line(form.cohort_name)}"
    blocks: list[Block] = [section(who)]
    proposed = "*Proposed next step*\n" + "\n".join(f"• {line}" for line in form.proposals)
    blocks.append(section(shorten(proposed, SECTION)))
    if form.skip_note:
        blocks.append(section(shorten(f":warning: {form.skip_note}", SECTION)))
    if form.records:
        related = "*Related records*\n" + "\n".join(f"• {text}" for _, text in form.records)
        blocks.append(section(shorten(related, SECTION)))
    else:
        blocks.append(context("No MIAs, tardies, failed attempts or coachings on record."))
    policy_el: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.FIELD_INPUT,
        "options": policy_options,
    }
    initial_policy = next((o for o in policy_options if o["value"] == form.policy), None)
    if initial_policy:
        policy_el["initial_option"] = initial_policy
    level_el: dict[str, Any] = {
        "type": "static_select",
        "action_id": ids.FIELD_INPUT,
        "options": level_options,
    }
    initial_level = next((o for o in level_options if o["value"] == form.level), None)
    if initial_level:
        level_el["initial_option"] = initial_level
    blocks.append(input_block(ids.COACH_POLICY_BLOCK, "Policy", policy_el))
    blocks.append(
        input_block(
            ids.COACH_LEVEL_BLOCK,
            "Level",
            level_el,
            hint="A level above the proposed one needs the reason below.",
        )
    )
    if form.records:
        link_options = _options([(ref, text) for ref, text in form.records[:10]])
        links_el: dict[str, Any] = {
            "type": "checkboxes",
            "action_id": ids.FIELD_INPUT,
            "options": link_options,
        }
        initial = [o for o in link_options if o["value"] in form.links]
        if initial:
            links_el["initial_options"] = initial
        blocks.append(input_block(ids.COACH_LINKS_BLOCK, "This coaching is about", links_el, optional=True))
    incident_el: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.FIELD_INPUT,
        "multiline": True,
        "max_length": INCIDENT,
    }
    if form.incident:
        incident_el["initial_value"] = shorten(form.incident, INCIDENT)
    blocks.append(input_block(ids.COACH_INCIDENT_BLOCK, "What happened", incident_el))
    blocks.append(
        input_block(
            ids.COACH_EXPECTATION_BLOCK,
            "Expectation going forward",
            {
                "type": "plain_text_input",
                "action_id": ids.FIELD_INPUT,
                "multiline": True,
                "max_length": EXPECTATION,
            },
            optional=True,
            hint="Left empty, the policy's expectation from the playbook is used.",
        )
    )
    blocks.append(
        input_block(
            ids.COACH_SKIP_BLOCK,
            "Reason for skipping a level",
            {"type": "plain_text_input", "action_id": ids.FIELD_INPUT, "max_length": NOTE},
            optional=True,
            hint="Only when the level is above the proposed one; it is kept.",
        )
    )
    return {
        "type": "modal",
        "callback_id": ids.VIEW_COACH,
        "title": plain("Coaching"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"agent": form.agent_slack_id}),
        "blocks": blocks,
    }


def coach_open_button(label: str, proposal: CoachOpen) -> dict[str, Any]:
    return button(label, ids.ACTION_COACH_OPEN, proposal.value(), style="primary")


def skip_needs_confirmation(message: str, open_button: dict[str, Any]) -> list[Block]:
    return [
        section(f":warning: {message}"),
        {"type": "actions", "elements": [open_button]},
        context("The form opens filled in; add the reason for the skip and save."),
    ]


def coaching_saved_text(saved: CoachingSaved) -> str:
    return f"Saved: {saved.level_label} for {escape_line(saved.agent_name)}."


def coaching_saved(saved: CoachingSaved) -> list[Block]:
    lines = [
        f":memo: Saved: *{saved.level_label}* for *{escape_line(saved.agent_name)}* under the {saved.policy_title}."
    ]
    if saved.skip_reason:
        lines.append(
            f"Proposed was {saved.proposed_label}; skipped with the reason: {escape_line(shorten(saved.skip_reason, NOTE))}"
        )
    if saved.cap:
        lines.append(f"The filled CAP is in <@{saved.tl}>'s DMs, ready to sign.")
        lines.append(f"{escape_line(saved.agent_name)} gets its summary to acknowledge.")
    if saved.hr:
        lines.append("HR has the document: " + ", ".join(_mention(r) for r in saved.hr) + ".")
    return [section("\n".join(lines))]


def cap_document(agent_name: str, level_label: str, document: str) -> list[Block]:
    blocks: list[Block] = [header(f"{level_label}: {agent_name}")]
    chunk = 2800
    # A message holds at most 50 blocks; a CAP longer than that is cut (the export has it whole).
    document = shorten(document, chunk * 45)
    for start in range(0, len(document), chunk):
        blocks.append(section("```" + document[start : start + chunk] + "```"))
    blocks.append(context("The filled DOCX follows in this DM: print it, sign it and file it with HR."))
    return blocks


def _mention(target: str) -> str:
    return f"<@{target}>" if target.startswith(("U", "W")) else f"<#{target}>"


def cap_card_text(card: CapCard) -> str:
    if card.acknowledged:
        return f"You acknowledged your {card.level_label} on {card.acknowledged}."
    return f"Your {card.level_label} of {card.date}: please read it and press “I have read this”."


def cap_card(card: CapCard) -> list[Block]:
    """The CAP's summary for the agent; the button until they press it, then when they did."""
    lines = [
        f"*{card.level_label}* · {card.policy_title} · {card.date}",
        f"*What happened*\n{escape(shorten(card.incident, 1200))}",
        f"*Expectation going forward*\n{escape(shorten(card.expectation, 800))}",
        f"*Consequence*\n{escape(shorten(card.consequence, 500))}",
    ]
    blocks: list[Block] = [
        header(shorten(f"{card.level_label}: {card.agent_name}", 150)),
        section(shorten("\n\n".join(lines), SECTION)),
        section(f"_{escape_line(shorten(card.statement, 500))}_"),
    ]
    if card.acknowledged:
        blocks.append(context(f":white_check_mark: Acknowledged {card.acknowledged}."))
    else:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button(
                        "I have read this", ids.ACTION_CAP_ACKNOWLEDGE, str(card.coaching_id), style="primary"
                    )
                ],
            }
        )
        blocks.append(context("Your team lead has the full CAP to sign with you."))
    return blocks


def coaching_history_text(history: History) -> str:
    return f"Coaching history of {escape_line(history.agent_name)}: {len(history.rows)} coaching(s)."


def coaching_history(history: History) -> list[Block]:
    """Newest first. Stored text is cut to its cap, so an old oversized record still shows."""
    blocks: list[Block] = [header(shorten(f"Coaching history: {history.agent_name}", 150))]
    if not history.rows:
        blocks.append(section("No coachings on record."))
        return blocks
    if history.current:
        blocks.append(context(f"Highest level so far: *{history.current}*"))
    for row in history.rows[:HISTORY_ROWS]:
        text = f"*{row.date}* · *{row.level}* · {row.policy} · by {escape_line(row.by)}\n{escape(shorten(row.incident, INCIDENT))}"
        if row.skip_reason:
            text += f"\n_Skipped a level: {escape_line(shorten(row.skip_reason, NOTE))}_"
        if row.acknowledged is not None:
            text += (
                f"\n:white_check_mark: Acknowledged by the agent {row.acknowledged}"
                if row.acknowledged
                else "\n:hourglass: Not acknowledged by the agent yet"
            )
        blocks.append(section(text))
    if len(history.rows) > HISTORY_ROWS:
        blocks.append(context(f"{len(history.rows) - HISTORY_ROWS} older coaching(s) not shown."))
    return blocks
