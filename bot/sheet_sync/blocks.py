"""Messages of the Google Sheet sync: a bot-owned cell someone typed over, and the answer to
taking the sheet's value."""

from __future__ import annotations

from bot.core.text import escape_line, shorten
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, section

# A cell holds up to 50,000 characters; the DM shows the start of it (the sheet has it whole).
CELL_SHOWN = 600


def _quote(value: str) -> str:
    """A cell's value as the bot quotes it: escaped (a cell is anyone's text), and cut short."""
    if not value:
        return "(empty)"
    flat = " ".join(value.split())
    more = (
        f" (the first {CELL_SHOWN} of {len(flat):,} characters: the sheet has it all)"
        if len(flat) > CELL_SHOWN
        else ""
    )
    return f"“{escape_line(shorten(flat, CELL_SHOWN))}”{more}"


def disagreement(
    agent: str, cohort: str, header: str, sheet_value: str, bot_value: str, cell_id: int | None
) -> tuple[str, list[Block]]:
    text = (
        f":memo: In the tracking sheet, someone changed *{escape_line(agent)}*'s *{escape_line(header)}* to "
        f"{_quote(sheet_value)}; Training Day has {_quote(bot_value)} ({escape_line(cohort)}). I kept my value "
        "and will not write over theirs again until it changes in Slack."
    )
    blocks = [section(text)]
    if cell_id is not None:
        blocks.append(
            actions(
                button(
                    "Use the sheet's value",
                    ids.ACTION_SHEET_TAKE_VALUE,
                    str(cell_id),
                    style="primary",
                    label=f"Use the sheet's {header} for {agent}",
                ),
                block_id=f"sheet_cell_{cell_id}",
            )
        )
    else:
        blocks.append(context("Change it in Slack if the sheet is right; the sheet follows."))
    return text, blocks


def taken(agent: str, header: str, value: str) -> str:
    return (
        f":white_check_mark: {escape_line(agent)}'s *{escape_line(header)}* is now {_quote(value)}, "
        "as in the tracking sheet."
    )


def copies(agent: str, cohort: str, agent_id: str, row: int, others: list[int]) -> tuple[str, list[Block]]:
    """An agent's ID on more than one row: which row counts, and what to do about the others."""
    where = f"row {others[0]}" if len(others) == 1 else "rows " + ", ".join(map(str, others))
    text = (
        f":warning: In the tracking sheet, *{escape_line(agent)}*'s agent ID {escape_line(agent_id)} "
        f"({escape_line(cohort)}) is also on {where}. "
        f"Training Day reads and writes only row {row}, the agent's own (it carries the bot's tag); "
        f"what {where} says is ignored and never moves the tracker."
    )
    return text, [
        section(text),
        context("Delete the copy, or correct its agent ID, in the sheet. I tell you once while it stays."),
    ]
