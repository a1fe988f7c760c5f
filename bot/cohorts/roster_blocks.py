"""The roster's modals as Block Kit: the paste-or-attach fields, the "checking" view pushed while
the rows are checked, and the preview that names each bad row or offers to confirm."""

from __future__ import annotations

import json
from typing import Any

from bot.cohorts.types import RosterLine, RosterPreview
from bot.core.text import escape
from bot.slack import ids
from bot.slack.blocks import Block, context, header, input_block, pack_lines, plain, section

ROSTER_MAX_CHARS = 3000  # Slack's limit for a plain_text_input
MAX_VIEW_BLOCKS = 100
# Lines of each list shown; a roster with more says how many are left out (the rest are the same kind).
MAX_LINES = 120
COLUMNS_HINT = (
    "One agent a line, copied from the sheet: Slack user (member ID or email), name, N-Number, NPN, "
    "email (optional). Tabs or commas; a header row is fine."
)


def roster_inputs(*, optional: bool) -> list[Block]:
    """The pasted rows and the attached file; one of them is needed (optional: the class may start
    empty)."""
    return [
        input_block(
            ids.COHORT_FIELD_ROSTER,
            "Roster (paste rows from the sheet)",
            {
                "type": "plain_text_input",
                "action_id": ids.FIELD_INPUT,
                "multiline": True,
                "max_length": ROSTER_MAX_CHARS,
                "placeholder": plain("U0AG0001\tAna Ruiz\tN1234567\t19283746\tana.ruiz@example.com"),
            },
            optional=True,
            hint=COLUMNS_HINT,
        ),
        input_block(
            ids.COHORT_FIELD_ROSTER_FILE,
            "Or attach the sheet",
            {
                "type": "file_input",
                "action_id": ids.FIELD_INPUT,
                "filetypes": ["csv", "xlsx"],
                "max_files": 1,
            },
            optional=True,
            hint="A CSV or XLSX file (first sheet), up to 1 MB, with the same columns. For more than "
            "about 40 agents, attach the file: pasted rows hold 3,000 characters.",
        ),
    ]


def roster_modal(cohort_id: int, cohort_name: str) -> dict[str, Any]:
    """/cohort roster: rows for an existing class."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_COHORT_ROSTER,
        "private_metadata": json.dumps({"cohort": cohort_id}),
        "title": plain("Add a roster"),
        "submit": plain("Check rows"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                f"Agents for *{escape(cohort_name)}*. Every row is checked first and nothing is saved "
                "until you confirm the preview; agents already in the class stay as they are."
            ),
            *roster_inputs(optional=True),
        ],
    }


def checking_view(external_id: str, what: str) -> dict[str, Any]:
    """Pushed at once (Slack wants an answer within 3 seconds); replaced by the preview."""
    return {
        "type": "modal",
        "external_id": external_id,
        "title": plain("Checking the roster"),
        "close": plain("Back"),
        "blocks": [
            section(
                f":hourglass_flowing_sand: Checking {escape(what)} with Slack and the records… "
                "This takes a few seconds for a class of 30."
            )
        ],
    }


def _lines(title: str, lines: list[RosterLine], *, bold_who: bool = True) -> list[Block]:
    shown = lines[:MAX_LINES]
    texts = [f"*{title}*"] + [
        f"• Row {line.number} · {f'*{line.who}*' if bold_who else line.who}: {line.text}" for line in shown
    ]
    blocks = [section(chunk) for chunk in pack_lines(texts)]
    if len(lines) > len(shown):
        blocks.append(context(f"and {len(lines) - len(shown)} more rows like these"))
    return blocks


def preview_view(preview: RosterPreview) -> dict[str, Any]:
    """What the rows would do. With a bad row there is no confirm button: fix the rows and check again."""
    where = (
        f"the new class *{escape(preview.class_name)}*"
        if preview.new_class
        else f"*{escape(preview.class_name)}*"
    )
    blocks: list[Block] = [
        header(f"{len(preview.ready) + len(preview.already) + len(preview.bad)} rows checked")
    ]
    if preview.bad:
        blocks.append(
            section(
                f":x: *{len(preview.bad)} row{'s' if len(preview.bad) != 1 else ''} need fixing* before "
                f"anything is saved for {where}. Go back, correct them (or remove them) and check again."
            )
        )
        blocks += _lines("Rows to fix", preview.bad)
    elif preview.ready:
        created = "Create the class with" if preview.new_class else "Add"
        blocks.append(
            section(
                f":white_check_mark: Every row is fine. *{created} {len(preview.ready)} "
                f"agent{'s' if len(preview.ready) != 1 else ''}* to {where} when you confirm."
            )
        )
    else:
        blocks.append(section(f"Nothing to add: every agent listed is already in {where}."))
    if preview.ready:
        blocks += _lines("To add" if not preview.bad else "Fine as they are", preview.ready)
    if preview.already:
        blocks += _lines("Already in the class (nothing changes)", preview.already, bold_who=False)
    blocks.append(context(f"From the {escape(preview.source)}. Nothing has been saved yet."))
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": ids.VIEW_ROSTER_CONFIRM,
        "title": plain("Roster preview"),
        "close": plain("Back"),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }
    if preview.draft_id is not None:
        view["submit"] = plain("Create class" if preview.new_class else "Add agents")
        view["private_metadata"] = json.dumps({"draft": preview.draft_id})
    return view


def roster_added(cohort_name: str, channel_id: str, added: int, already: int) -> list[Block]:
    kept = f" ({already} already in it, unchanged)" if already else ""
    return [
        section(
            f":white_check_mark: Added {added} agent{'s' if added != 1 else ''} to *{escape(cohort_name)}* "
            f"in <#{channel_id}>{kept}. Their G2T links go out when they are due."
        )
    ]
