"""/attendance: today's table in a class channel; `@agent` for one agent's days; `set` to change a code."""

from __future__ import annotations

from typing import Any

from bot.blocks import day as day_blocks
from bot.context import AppContext
from bot.core.errors import InvalidInput
from bot.core.text import NOTE, require_length
from bot.services import attendance
from bot.services.work import Caller
from bot.slack.parsing import user_mention, whole_number, words
from handlers.replies import Reply, Say

USAGE = (
    "In the class channel: `/attendance` for today's table, `/attendance @agent` for one agent's days, "
    "`/attendance set @agent DAY CODE reason` to change a day's code (e.g. `set @Ben 2 absent_hr_approved "
    "doctor's note`)."
)


def attendance_command(command: dict[str, Any], ctx: AppContext, caller: Caller) -> Reply:
    args = words(command.get("text"))
    if args and args[0].lower() == "help":
        return Say(USAGE)
    if args and args[0].lower() == "set":
        return _set(ctx, caller, args[1:])
    if args:
        if len(args) > 1:
            raise InvalidInput(f"I only need the agent. {USAGE}")
        user_id, _ = user_mention(args[0], USAGE)
        return _days(attendance.agent_days(ctx, caller, user_id))
    found = attendance.overview(ctx, caller, str(command.get("channel_id") or ""))
    if isinstance(found, attendance.AgentDays):
        return _days(found)
    blocks = day_blocks.day_table(found.cohort_name, found.day, found.rows)
    return Say(f"Attendance, day {found.day.number}", blocks)


def _days(found: attendance.AgentDays) -> Reply:
    return Say(
        f"Attendance of {found.name}", day_blocks.agent_record(found.cohort_name, found.name, found.days)
    )


def _set(ctx: AppContext, caller: Caller, args: list[str]) -> Reply:
    if len(args) < 3:
        raise InvalidInput(f"I need the agent, the day and the code. {USAGE}")
    user_id, _ = user_mention(args[0], USAGE)
    change = attendance.CodeChange(
        agent_user_id=user_id,
        day=whole_number(args[1], USAGE, "a day number", most=99),
        code=args[2],
        reason=require_length(" ".join(args[3:]), NOTE, "The reason"),
    )
    row = attendance.change_code(ctx, caller, change)
    return Say(f"{row.name}, day {row.day}: {row.code_label}.")
