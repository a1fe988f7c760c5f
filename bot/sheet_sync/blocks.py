"""Messages of the Google Sheet sync: a bot-owned cell someone typed over, and the answer to
taking the sheet's value."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, section


def _quote(value: str) -> str:
    return f"“{value}”" if value else "(empty)"


def disagreement(
    agent: str, cohort: str, header: str, sheet_value: str, bot_value: str, cell_id: int | None
) -> tuple[str, list[Block]]:
    text = (
        f":memo: In the tracking sheet, someone changed *{agent}*'s *{header}* to {_quote(sheet_value)}; "
        f"Training Day has {_quote(bot_value)} ({cohort}). I kept my value and will not write over theirs "
        "again until it changes in Slack."
    )
    blocks = [section(text)]
    if cell_id is not None:
        blocks.append(
            actions(
                button("Use the sheet's value", ids.ACTION_SHEET_TAKE_VALUE, str(cell_id), style="primary"),
                block_id=f"sheet_cell_{cell_id}",
            )
        )
    else:
        blocks.append(context("Change it in Slack if the sheet is right; the sheet follows."))
    return text, blocks


def taken(agent: str, header: str, value: str) -> str:
    return f":white_check_mark: {agent}'s *{header}* is now {_quote(value)}, as in the tracking sheet."


def copies(agent: str, cohort: str, agent_id: str, row: int, others: list[int]) -> tuple[str, list[Block]]:
    """An agent's ID on more than one row: which row counts, and what to do about the others."""
    where = f"row {others[0]}" if len(others) == 1 else "rows " + ", ".join(map(str, others))
    text = (
        f":warning: In the tracking sheet, *{agent}*'s agent ID {agent_id} ({cohort}) is also on {where}. "
        f"Training Day reads and writes only row {row}, the agent's own (it carries the bot's tag); "
        f"what {where} says is ignored and never moves the tracker."
    )
    return text, [
        section(text),
        context("Delete the copy, or correct its agent ID, in the sheet. I tell you once while it stays."),
    ]
