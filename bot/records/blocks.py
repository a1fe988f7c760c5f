"""Block Kit for the records: who read an agent's records, the whole record handed over."""

from __future__ import annotations

from bot.core.text import escape_line, shorten
from bot.records.types import Reads, RecordSent
from bot.slack.blocks import Block, context, header, section

READ_ROWS = 40

RECORDS_USAGE = (
    "*/records* — an agent's HR records:\n"
    "• `/records @agent` — everything the bot holds about the agent, as a ZIP in your DM\n"
    "• `/records` — your own record (agents)\n"
    "• `/records reads @agent` — who read the agent's records (admins)"
)


def reads_text(reads: Reads) -> str:
    return f"Reads of {escape_line(reads.agent_name)}'s records: {len(reads.rows)}."


def reads(view: Reads) -> list[Block]:
    blocks: list[Block] = [header(shorten(f"Who read: {view.agent_name}", 150))]
    if not view.rows:
        blocks.append(section("Nobody has read this agent's records yet."))
        return blocks
    lines = [
        f"• {row.when} · *{escape_line(row.reader)}* · {row.what}"
        + (f" — {escape_line(shorten(row.detail, 200))}" if row.detail else "")
        for row in view.rows[:READ_ROWS]
    ]
    for start in range(0, len(lines), 10):
        blocks.append(section(shorten("\n".join(lines[start : start + 10]), 2900)))
    if len(view.rows) > READ_ROWS:
        blocks.append(
            context(
                f"{len(view.rows) - READ_ROWS} older read(s): `training-day records reads` lists them all."
            )
        )
    return blocks


def sent_text(sent: RecordSent) -> str:
    return f":file_folder: {escape_line(sent.agent_name)}'s whole record is in your DM ({sent.filename})."
