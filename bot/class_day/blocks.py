"""Block Kit for the training day: the G2T link, morning post, break prompts, TL alerts, tables."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.calendar.dayplan import DayTimes
from bot.class_day.attendance import AgentDay
from bot.config.playbook import Playbook
from bot.core.text import NOTE
from bot.core.timefmt import clock_time, differs, local, show_date, span_for, time_for
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


def _zone(day: DayTimes) -> str:
    return local(day.start, day.timezone).tzname() or day.timezone


def day_times_lines(day: DayTimes, reader: str | None = None) -> list[str]:
    """The day's times; for a DM, in the reader's zone with the class's beside them when they differ."""
    if differs(day.start, reader, day.timezone):
        lines = [f"*{show_date(day.date)}*: {span_for(day.start, day.end, reader, day.timezone)}"]
        for spot in day.breaks:
            span = span_for(spot.start, spot.end, reader, day.timezone)
            lines.append(f"• {spot.label}: {span} ({spot.minutes} min)")
        return lines
    lines = [
        f"*{show_date(day.date)}*: {_t(day.start, day.timezone)} – {_t(day.end, day.timezone)} {_zone(day)}"
    ]
    for spot in day.breaks:
        what = spot.label
        lines.append(
            f"• {what}: {_t(spot.start, day.timezone)} – {_t(spot.end, day.timezone)} ({spot.minutes} min)"
        )
    return lines


def g2t_link(
    agent_name: str, cohort_name: str, link: str, day: DayTimes, reader: str | None = None
) -> tuple[str, list[Block]]:
    text = f"Your class {cohort_name} starts {show_date(day.date)}. Join with {link}"
    return text, [
        section(f"Hi {agent_name}! Your licensing class *{cohort_name}* starts {show_date(day.date)}."),
        section(f"*Join the training here:* <{link}|GoTo Training link>\n{link}"),
        section("*Day 1*\n" + "\n".join(day_times_lines(day, reader))),
        context(
            "Join a few minutes early, muted. In the class channel, check in each morning by reacting "
            ":white_check_mark: to the bot's post."
        ),
    ]


def g2t_late(
    cohort_name: str, names: Sequence[str], day: DayTimes, reader: str | None = None
) -> tuple[str, list[Block]]:
    listed = ", ".join(names)
    text = f"The training link for {cohort_name} went out late to {listed}."
    return text, [
        section(
            f":warning: The G2T training link for *{cohort_name}* went out late (less than the playbook's lead time "
            f"before {show_date(day.date)}, {time_for(day.start, reader, day.timezone, zone=True)}) to: {listed}."
        )
    ]


def morning_post(cohort_name: str, day: DayTimes, days: int, playbook: Playbook) -> tuple[str, list[Block]]:
    g = playbook.guides
    policy = playbook.attendance
    text = f"Good morning! Day {day.number} of {days}. React :white_check_mark: to check in."
    return text, [
        header(f"Good morning! Day {day.number} of {days} – {cohort_name}"),
        section("*Today's times*\n" + "\n".join(day_times_lines(day))),
        section(
            f":white_check_mark: *Check in now* by reacting :white_check_mark: to this message "
            f"(within {policy.checkin_grace_minutes} minutes of the start).\n"
            ":mute: Stay muted in GoTo Training unless the TL calls on you.\n"
            f":raised_hand: *Hand-raise rule*: {policy.raise_lead_minutes} minutes before each break I post a "
            "prompt: react :raised_hand: to it before the break starts. When the break ends, lower your hand "
            f"(react :white_check_mark: to the back-from-break post, or remove your :raised_hand:) within "
            f"{policy.lower_grace_minutes} minutes. Missing either marks you MIA."
        ),
        section(
            f"• <{g.ahip.url}|{g.ahip.title}>: :warning: enter your *N-Number*, not your NPN. "
            f"{playbook.formats.n_number_warning}\n"
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


def tardy_alert(
    cohort_name: str, day: DayTimes, names: Sequence[str], reader: str | None = None
) -> tuple[str, list[Block]]:
    listed = ", ".join(names)
    text = f"Not checked in yet on day {day.number} of {cohort_name}: {listed}"
    return text, [
        section(
            f":alarm_clock: *{cohort_name}, day {day.number}*: not checked in by {_t(day.start, day.timezone, reader)} "
            f"plus grace, marked tardy: {listed}. Still missing at the first break, they are marked absent."
        )
    ]


def mia_alert(
    cohort_name: str,
    day: DayTimes,
    break_no: int,
    agents: Sequence[tuple[int, str]],
    reader: str | None = None,
) -> tuple[str, list[Block]]:
    """agents: (flag id, name)."""
    spot = day.break_no(break_no)
    what = spot.label.lower()
    names = ", ".join(n for _, n in agents)
    text = f"MIA after {what} on day {day.number} of {cohort_name}: {names}"
    blocks: list[Block] = [
        section(
            f":rotating_light: *{cohort_name}, day {day.number}*: missed raising or lowering the hand at {what} "
            f"({_t(spot.start, day.timezone, reader)}), marked *MIA*:"
        )
    ]
    for flag_id, name in agents:
        blocks.append(section(f"*{name}*"))
        blocks.append(
            actions(
                button("Excuse", ids.ACTION_MIA_EXCUSE, str(flag_id)),
                button("Mark present", ids.ACTION_MIA_PRESENT, str(flag_id), style="primary"),
                block_id=f"mia_{flag_id}",
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
            section(f"{verb}: *{agent_name}*. This goes on the attendance record with your name."),
            input_block(
                ids.MIA_REASON_BLOCK,
                "Why?",
                {"type": "plain_text_input", "action_id": ids.FIELD_INPUT, "max_length": NOTE},
            ),
        ],
    }


def _breaks(day: DayTimes, numbers: Sequence[int]) -> str:
    return ", ".join(day.break_no(n).label.lower() if n <= len(day.breaks) else f"break {n}" for n in numbers)


def _row(row: AgentDay, day: DayTimes, reader: str | None = None) -> str:
    timezone = day.timezone
    parts = [f"*{row.name}*: {row.code_label}" + (" _(set by TL)_" if row.chosen else "")]
    if row.checkin_at:
        parts.append(
            f"checked in {_t(row.checkin_at, timezone, reader)}" + (" (late)" if row.checkin_late else "")
        )
    else:
        parts.append("no check-in")
    if row.tardy:
        parts.append("tardy")
    if row.absent:
        parts.append("absent at first break")
    if row.mia_breaks:
        parts.append("MIA at " + _breaks(day, row.mia_breaks))
    if row.cleared_mia_breaks:
        parts.append("MIA cleared at " + _breaks(day, row.cleared_mia_breaks))
    if row.g2t_minutes is not None:
        parts.append(_g2t(row, day))
    return " · ".join(parts)


def _g2t(row: AgentDay, day: DayTimes) -> str:
    """What the GoTo Training report says: minutes in the session and when."""
    tz = day.timezone
    if not row.g2t_minutes or row.g2t_first_join is None or row.g2t_last_leave is None:
        return "G2T: not in the session"
    text = f"G2T: {row.g2t_minutes // 60} h {row.g2t_minutes % 60:02d} min"
    text += f" ({_t(row.g2t_first_join, tz)}–{_t(row.g2t_last_leave, tz)})"
    if row.g2t_gaps:
        text += ", away " + ", ".join(f"{_t(s, tz)}–{_t(e, tz)}" for s, e in row.g2t_gaps)
    for number, away in sorted(row.g2t_mia_away.items()):
        label = _breaks(day, [number])
        text += f"; {'away at' if away else 'in the session at'} {label}: MIA {'confirmed' if away else 'questioned'}"
    return text


def day_table(
    cohort_name: str, day: DayTimes, rows: Sequence[AgentDay], reader: str | None = None
) -> list[Block]:
    lines = [_row(r, day, reader) for r in rows] or ["No agents enrolled."]
    return [
        header(f"Attendance – {cohort_name}, day {day.number}"),
        section(show_date(day.date)),
        *sections(lines),
    ]


def end_of_day(
    cohort_name: str, day: DayTimes, rows: Sequence[AgentDay], reader: str | None = None
) -> tuple[str, list[Block]]:
    text = f"End of day {day.number} of {cohort_name}: attendance"
    blocks = day_table(cohort_name, day, rows, reader)
    blocks.append(
        context(
            "Proposed codes from what I saw. Change one with "
            "`/attendance set @agent DAY CODE reason` in the class channel."
        )
    )
    return text, blocks


def agent_record(cohort_name: str, name: str, rows: Sequence[tuple[DayTimes, AgentDay]]) -> list[Block]:
    """rows: each held day's times with the agent's record for it."""
    if not rows:
        return [section(f"*{name}* ({cohort_name}): no class days held yet.")]
    return [
        header(f"Attendance – {name}"),
        *sections([f"Day {r.day}: " + _row(r, day).split(": ", 1)[1] for day, r in rows]),
        divider(),
    ]
