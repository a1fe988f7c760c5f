"""Block Kit for the training day: morning post, break prompts, TL alerts, tables."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.calendar.day_times import day_times_lines
from bot.calendar.dayplan import DayTimes
from bot.class_day import table
from bot.class_day.types import AgentDay
from bot.config.playbook import Playbook
from bot.core.text import NOTE, escape_line, name_list
from bot.core.timefmt import clock_time, local, show_date, time_for
from bot.slack import ids
from bot.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    input_block,
    plain,
    section,
    sections,
)


def _t(moment: datetime, timezone: str, reader: str | None = None) -> str:
    """The time as the DM's reader reads it (the class's time beside theirs when they differ)."""
    return time_for(moment, reader, timezone) if reader else clock_time(local(moment, timezone).time())


def morning_post(cohort_name: str, day: DayTimes, days: int, playbook: Playbook) -> tuple[str, list[Block]]:
    g = playbook.guides
    policy = playbook.attendance
    text = f"Good morning! Day {day.number} of {days}. React :white_check_mark: to check in."
    return text, [
        header(f"Good morning! Day {day.number} of {days} – {cohort_name}"),
        section("*Today's times*\n" + "\n".join(day_times_lines(day))),
        section(
            f":white_check_mark: *Check in*: react :white_check_mark: to this post within "
            f"{policy.checkin_grace_minutes} minutes of the start.\n"
            f":raised_hand: *Hand-raise rule*: raise your hand on my prompt before each break and lower it "
            f"within {policy.lower_grace_minutes} minutes after. Missing either marks you MIA.\n"
            ":mute: Stay muted in GoTo Training unless the TL calls on you."
        ),
        section(
            f"• <{g.ahip.url}|{g.ahip.title}>: :warning: {playbook.formats.n_number_warning}\n"
            f"• <{g.aetna.url}|{g.aetna.title}>: your proof screenshot must show all 13 green checkmarks.\n"
            f"• <{g.tech_issues.url}|{g.tech_issues.title}>: try these first when something breaks."
        ),
    ]


def raise_prompt(day: DayTimes, break_no: int, playbook: Playbook) -> tuple[str, list[Block]]:
    spot = day.break_no(break_no)
    what = "Lunch" if spot.lunch else "Break"
    starts = _t(spot.start, day.timezone)
    text = f"{what} at {starts}: react :raised_hand: before it starts."
    return text, [
        section(
            f":raised_hand: *{what} at {starts} ({spot.minutes} min).* React :raised_hand: to this message before "
            f"the {what.lower()} starts. When it ends at {_t(spot.end, day.timezone)}, lower your hand."
        )
    ]


def lower_prompt(day: DayTimes, break_no: int, playbook: Playbook) -> tuple[str, list[Block]]:
    minutes = playbook.attendance.lower_grace_minutes
    text = "Welcome back! React :white_check_mark: to lower your hand."
    return text, [
        section(
            f":white_check_mark: *Welcome back!* Lower your hand within {minutes} minutes: react :white_check_mark: "
            "to this message, or remove your :raised_hand: from the break post."
        )
    ]


MIA_CARDS = 23


def tardy_alert(
    cohort_name: str, day: DayTimes, names: Sequence[str], reader: str | None = None
) -> tuple[str, list[Block]]:
    listed = name_list(list(names), rest="`/attendance` in the class channel lists everyone")
    text = f"Not checked in yet on day {day.number} of {escape_line(cohort_name)}: {listed}"
    return text, [
        section(
            f":alarm_clock: *{escape_line(cohort_name)}, day {day.number}*: not checked in by {_t(day.start, day.timezone, reader)} "
            f"plus grace, marked tardy: {listed}. Still missing at the first break, they are marked absent."
        )
    ]


@dataclass(frozen=True)
class Decision:
    """What became of one MIA mark: excused or present, by whom (a Slack ID), when."""

    status: str
    by: str
    at: datetime


def mia_alert(
    cohort_name: str,
    day: DayTimes,
    break_no: int,
    agents: Sequence[tuple[int, str]],
    reader: str | None = None,
    decided: Mapping[int, Decision] | None = None,
) -> tuple[str, list[Block]]:
    """agents: (flag id, name); `decided`: the marks already settled, shown without buttons."""
    decided = decided or {}
    spot = day.break_no(break_no)
    what = spot.label.lower()
    names = name_list([n for _, n in agents], rest="`/attendance` lists everyone")
    text = f"MIA after {what} on day {day.number} of {escape_line(cohort_name)}: {names}"
    blocks: list[Block] = [
        section(
            f":rotating_light: *{escape_line(cohort_name)}, day {day.number}*: missed raising or lowering the hand at {what} "
            f"({_t(spot.start, day.timezone, reader)}), marked *MIA*:"
        )
    ]
    # Two blocks each: a message holds 50, so past MIA_CARDS the rest are named and counted.
    for flag_id, name in agents[:MIA_CARDS]:
        decision = decided.get(flag_id)
        if decision is not None:
            verb = "Excused" if decision.status == "excused" else "Marked present"
            blocks.append(
                section(
                    f":white_check_mark: *{escape_line(name)}*: {verb} by <@{decision.by}> at "
                    f"{_t(decision.at, day.timezone, reader)}"
                )
            )
            blocks.append(context("Recorded on the attendance table; `/attendance` shows it."))
            continue
        blocks.append(section(f"*{escape_line(name)}*"))
        blocks.append(
            actions(
                button("Excuse", ids.ACTION_MIA_EXCUSE, str(flag_id), label=f"Excuse {name}"),
                button(
                    "Mark present",
                    ids.ACTION_MIA_PRESENT,
                    str(flag_id),
                    style="primary",
                    label=f"Mark {name} present",
                ),
                block_id=f"mia_{flag_id}",
            )
        )
    if len(agents) > MIA_CARDS:
        others = name_list([n for _, n in agents[MIA_CARDS:]])
        blocks.append(
            context(
                f"Also marked MIA: {others}. `/attendance` in the class channel shows the day's table; "
                "`/attendance set @agent DAY CODE reason` corrects one."
            )
        )
    return text, blocks


def reason_modal(flag_id: int, decision: str, agent_name: str) -> dict[str, object]:
    verb = "Excuse" if decision == "excused" else "Mark present"
    return {
        "type": "modal",
        "callback_id": ids.VIEW_MIA_REASON,
        "private_metadata": json.dumps({"flag_id": flag_id, "decision": decision}),
        "title": plain(verb[:24]),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                f"{verb}: *{escape_line(agent_name)}*. This goes on the attendance record with your name."
            ),
            input_block(
                ids.MIA_REASON_BLOCK,
                "Why?",
                {"type": "plain_text_input", "action_id": ids.FIELD_INPUT, "max_length": NOTE},
            ),
        ],
    }


def day_table(
    cohort_name: str, day: DayTimes, rows: Sequence[AgentDay], reader: str | None = None
) -> list[Block]:
    return [
        header(table.title(cohort_name, day)),
        section(show_date(day.date)),
        *sections(table.lines(rows, day, reader)),
    ]


def end_of_day(
    cohort_name: str, day: DayTimes, rows: Sequence[AgentDay], reader: str | None = None
) -> tuple[str, list[Block]]:
    blocks = day_table(cohort_name, day, rows, reader)
    blocks.append(context(table.END_OF_DAY_NOTE))
    return table.end_of_day_text(cohort_name, day), blocks


def agent_record(cohort_name: str, name: str, rows: Sequence[tuple[DayTimes, AgentDay]]) -> list[Block]:
    """rows: each held day's times with the agent's record for it."""
    if not rows:
        return [section(f"*{escape_line(name)}* ({escape_line(cohort_name)}): no class days held yet.")]
    return [
        header(f"Attendance – {name}"),
        *sections([f"Day {r.day}: " + table.row_line(r, day).split(": ", 1)[1] for day, r in rows]),
        divider(),
    ]
