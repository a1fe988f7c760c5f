"""Block Kit for GoTo Training: each agent's link, and what the TL hears about the training the
bot prepares and the attendance GoTo reports."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.calendar.day_times import day_times_lines
from bot.calendar.dayplan import DayTimes
from bot.class_day import table
from bot.class_day.types import AgentDay
from bot.core.text import escape_line, name_list
from bot.core.timefmt import clock_time, local, show_date, time_for
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, header, section, sections


def _t(moment: datetime, timezone: str, reader: str | None = None) -> str:
    """The reader's time with the class's beside it when they differ, else the class's."""
    return time_for(moment, reader, timezone) if reader else clock_time(local(moment, timezone).time())


def g2t_link(
    agent_name: str, cohort_name: str, link: str, day: DayTimes, reader: str | None = None
) -> tuple[str, list[Block]]:
    # The notification carries the link for clients that show no buttons; the message shows it
    # once, behind the button.
    text = f"Your class {escape_line(cohort_name)} starts {show_date(day.date)}. Join with {link}"
    return text, [
        section(
            f"Hi {escape_line(agent_name)}! Your licensing class *{escape_line(cohort_name)}* starts {show_date(day.date)}."
        ),
        actions(
            button(
                "Join the training",
                ids.ACTION_G2T_JOIN,
                "join",
                "primary",
                url=link,
                label=f"Join the GoTo Training session of {cohort_name}",
            )
        ),
        section("*Day 1*\n" + "\n".join(day_times_lines(day, reader))),
        context(
            "Join a few minutes early, muted. In the class channel, check in each morning by reacting "
            ":white_check_mark: to the bot's post."
        ),
    ]


def g2t_late(
    cohort_name: str, names: Sequence[str], day: DayTimes, reader: str | None = None
) -> tuple[str, list[Block]]:
    listed = name_list(list(names))
    text = f"The training link for {escape_line(cohort_name)} went out late to {listed}."
    return text, [
        section(
            f":warning: The G2T training link for *{escape_line(cohort_name)}* went out late (less than the playbook's lead time "
            f"before {show_date(day.date)}, {time_for(day.start, reader, day.timezone, zone=True)}) to: {listed}."
        )
    ]


def no_email(cohort_name: str, agent_name: str) -> tuple[str, list[Block]]:
    text = f"{escape_line(cohort_name)}: {escape_line(agent_name)} has no email address, so I could not register them in GoTo Training."
    return text, [
        section(
            f":email: *{escape_line(cohort_name)}*: I could not register *{escape_line(agent_name)}* in GoTo Training: there is no email "
            "address for them in the cohort file or in their Slack profile."
        ),
        context(
            "Add `email: ...` to their row in the cohort file and import it again, or send them the class "
            "link yourself. The class goes on; everyone else is registered."
        ),
    ]


def not_ready(
    cohort_name: str, day: DayTimes, reason: str, waiting: Sequence[str], reader: str | None = None
) -> tuple[str, list[Block]]:
    who = f" Still without a link: {name_list(list(waiting))}." if waiting else ""
    text = f"The GoTo training for {escape_line(cohort_name)} is not ready: {escape_line(reason)}.{who}"
    return text, [
        section(
            f":warning: *{escape_line(cohort_name)}* starts {show_date(day.date)} at {_t(day.start, day.timezone, reader)}, and I could "
            f"not get its GoTo training ready: {escape_line(reason)}.{who}"
        ),
        context(
            "I keep trying every few minutes and send each agent their link the moment it works. If it is "
            "still not ready close to the start, create the training in GoTo yourself and add its link to the "
            "cohort file as `training_link`."
        ),
    ]


def start_link(
    cohort_name: str, day: DayTimes, url: str, *, eve: bool, reader: str | None = None
) -> tuple[str, list[Block]]:
    when = f"tomorrow, {show_date(day.date)}," if eve else "today"
    text = f"Your GoTo Training start link for {escape_line(cohort_name)}, day {day.number}: {url}"
    return text, [
        section(
            f":arrow_forward: *{escape_line(cohort_name)}*, day {day.number} {when} at {_t(day.start, day.timezone, reader)}: "
            f"<{url}|Start the training> (the organizer's link: keep it to yourself)."
        ),
    ]


def end_of_day(cohort_name: str, day: DayTimes, rows: Sequence[AgentDay]) -> tuple[str, list[Block]]:
    """The TL's end-of-day table again, with who was really in the session and for how long."""
    text = table.end_of_day_text(cohort_name, day) + " (with GoTo Training)"
    return text, [
        header(table.title(cohort_name, day)),
        context(":movie_camera: With who was really in the GoTo Training session, and for how long."),
        section(show_date(day.date)),
        *sections(table.lines(rows, day)),
        context(table.END_OF_DAY_NOTE),
    ]
