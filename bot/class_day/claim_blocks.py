"""Block Kit for the agent's side of a tardy or MIA mark: the kind DM that tells them, with its
"I was there" button, and the card their TL decides on (Accept excuses the mark, Keep keeps it)."""

from __future__ import annotations

from datetime import timedelta

from bot.class_day.types import ClaimAnswer, MarkNotice
from bot.core.text import escape_line
from bot.core.timefmt import time_for
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, section


def what(notice: MarkNotice) -> str:
    """ "tardy on day 1", "MIA at break 1 on day 2" """
    if notice.kind == "mia":
        spot = notice.day.break_no(notice.break_no)
        return f"MIA at {spot.label.lower()} on day {notice.day.number}"
    return f"tardy on day {notice.day.number}"


def told_agent(notice: MarkNotice, grace_minutes: int, reader: str | None) -> tuple[str, list[Block]]:
    day, zone = notice.day, notice.day.timezone
    first = escape_line(notice.agent_name.split()[0] if notice.agent_name.strip() else notice.agent_name)
    if notice.kind == "mia":
        spot = day.break_no(notice.break_no)
        seen = (
            f"at {spot.label.lower()} ({time_for(spot.start, reader, zone, zone=True)}) I did not see your "
            "hand raised before it or lowered after it"
        )
    else:
        by = day.start + timedelta(minutes=grace_minutes)
        seen = f"I did not see your check-in by {time_for(by, reader, zone, zone=True)}"
    text = f"You were marked {what(notice)} in {escape_line(notice.cohort_name)}."
    return text, [
        section(
            f"Hi {first}, on day {day.number} of *{escape_line(notice.cohort_name)}* {seen}, so you are "
            f"marked *{what(notice)}*. It happens; this is only so you know."
        ),
        section("If you were there, tell me and your team lead will look at it."),
        actions(
            button(
                "I was there",
                ids.ACTION_ATTENDANCE_CLAIM,
                str(notice.flag_id),
                "primary",
                label=f"I was there: tell my team lead about the mark {what(notice)}",
            ),
            block_id=f"claim_{notice.flag_id}",
        ),
    ]


def claim_card(notice: MarkNotice) -> tuple[str, list[Block]]:
    name = escape_line(notice.agent_name)
    text = f"{name} says they were there: marked {what(notice)} in {escape_line(notice.cohort_name)}."
    return text, [
        section(
            f":speech_balloon: *{name}* says they were there: marked *{what(notice)}* in "
            f"*{escape_line(notice.cohort_name)}*."
        ),
        actions(
            button(
                "Accept",
                ids.ACTION_ATTENDANCE_CLAIM_ACCEPT,
                str(notice.flag_id),
                "primary",
                label=f"Accept {notice.agent_name}'s claim and excuse the mark",
            ),
            button(
                "Keep",
                ids.ACTION_ATTENDANCE_CLAIM_KEEP,
                str(notice.flag_id),
                label=f"Keep the mark for {notice.agent_name}",
            ),
            block_id=f"claim_decide_{notice.flag_id}",
        ),
        context("Accept excuses the mark on the attendance record, with your name. Keep leaves it as it is."),
    ]


def agent_reply(answer: ClaimAnswer, tl_id: str) -> str:
    mark = what(answer.notice)
    if answer.outcome == "claimed":
        return (
            f":white_check_mark: Thanks. I told <@{tl_id}> you were there ({mark}); "
            "I will tell you here what they decide."
        )
    if answer.outcome == "already_resolved":
        return f":white_check_mark: Nothing to do: {escape_line(answer.by or 'your team lead')} already cleared this mark ({mark})."
    if answer.outcome in ("accepted", "kept", "already_decided"):
        return f"Your team lead already decided on this mark ({mark}); nothing changed."
    return f"You already told your team lead about this mark ({mark}); they will decide. Nothing changed."


def decided_for_agent(answer: ClaimAnswer) -> tuple[str, list[Block]]:
    mark = what(answer.notice)
    if answer.outcome == "accepted":
        text = f":white_check_mark: Your team lead accepted: your mark ({mark}) is excused."
    else:
        text = (
            f"Your team lead kept your mark ({mark}). If you would like to talk it over, "
            "message them directly."
        )
    return text, [section(text)]


def tl_reply(answer: ClaimAnswer) -> str:
    name = escape_line(answer.notice.agent_name)
    mark = what(answer.notice)
    if answer.outcome == "accepted":
        return f":white_check_mark: Accepted: {name}'s mark ({mark}) is excused. I told them."
    if answer.outcome == "kept":
        return f"Kept: {name}'s mark ({mark}) stays. I told them."
    if answer.outcome == "already_resolved":
        return (
            f"{escape_line(answer.by or 'Someone')} already cleared {name}'s mark ({mark}); nothing changed."
        )
    return (
        f"{escape_line(answer.by or 'Someone')} already decided on {name}'s claim ({mark}); nothing changed."
    )
