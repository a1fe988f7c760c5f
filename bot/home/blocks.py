"""App Home: the tab each person sees. Pure builders over plain data, so whatever parts of the
data exist are rendered and the rest is left out.

Slack allows at most 100 blocks in a Home view: agents are packed several to a section (one
line each) and a view that would still be too long shows what fits and says how much is left
out, so a 200-agent class renders.
"""

from __future__ import annotations

from typing import Any

from bot.core.text import escape, escape_line, shorten
from bot.home.types import AgentHome, AgentRow, CohortPanel, FormButton
from bot.red_flags.types import FlagCard
from bot.slack import ids
from bot.slack.blocks import Block, actions, button, context, divider, header, pack_lines, section

MAX_BLOCKS = 100
MAX_FLAGS_PER_COHORT = 5
MAX_HELP_LINES = 10

# A status is never a glyph alone: each mark comes with its words, for screen readers and skimmers.
STATUS_MARKS = {
    "complete": "✓ done",
    "in_progress": "… in progress",
    "blocked": "✗ blocked",
    "failed": "✗ failed",
    "not_started": "○ not started",
}
LEGEND = "Agents who need attention (open red flags, the help queue, MIA, overdue steps) are listed first."


def _view(blocks: list[Block]) -> dict[str, Any]:
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def stranger_home(help_text: str) -> dict[str, Any]:
    return _view(
        [
            header("Welcome to Training Day"),
            section(
                "I run the three-day AHIP and Aetna licensing class: the schedule, attendance, forms and the "
                "help queue. I don't know you yet, so there is nothing to show here."
            ),
            section(f"*How to get added*\n{help_text}"),
        ]
    )


def _esp_text(esp: list[tuple[str, str]] | None) -> str | None:
    if not esp:
        return None
    return " · ".join(f"{label} {STATUS_MARKS.get(status, status)}" for label, status in esp)


def _attendance_text(codes: list[tuple[int, str]] | None) -> str | None:
    if not codes:
        return None
    return ", ".join(f"D{day} {label}" for day, label in codes)


def agent_line(row: AgentRow) -> str:
    parts = [f"*{escape_line(row.name)}*"]
    esp = _esp_text(row.esp)
    if esp:
        parts.append(esp)
    att = _attendance_text(row.attendance)
    if att:
        parts.append(att)
    if row.mia:
        parts.append(f"MIA {row.mia}")
    if row.overdue:
        parts.append(f"overdue: {row.overdue}")
    if row.points:
        parts.append(row.points)
    if row.coaching:
        parts.append(f"coaching: {row.coaching}")
    if row.red_flags:
        flags = "open red flag" if row.red_flags == 1 else "open red flags"
        parts.append(f":triangular_flag_on_post: {row.red_flags} {flags}")
    if row.in_help_queue:
        parts.append(":raising_hand: in the help queue")
    return " | ".join(parts)


def _flag_block(card: FlagCard) -> Block:
    block = section(
        f":triangular_flag_on_post: *{escape_line(card.agent_name)}*"
        f"{f' ({escape_line(card.category)})' if card.category else ''}: {escape(shorten(card.description, 500))}\n"
        f"_Raised by {escape_line(card.raised_by)}, {card.raised_at}_"
    )
    block["accessory"] = button(
        "Resolve",
        ids.ACTION_REDFLAG_RESOLVE,
        str(card.id),
        label=f"Resolve the red flag for {card.agent_name}",
    )
    return block


def _cohort_blocks(panel: CohortPanel, budget: int) -> list[Block]:
    """The panel in at most `budget` blocks (at least 4 are needed)."""
    attention = sum(1 for a in panel.agents if a.needs_attention)
    summary = (
        f"<#{panel.channel_id}> · {panel.when} · {len(panel.agents)} agents · "
        f"{len(panel.flags)} open red flags · {len(panel.help_lines)} in the help queue"
    )
    if panel.role:
        summary += f" · you are the {panel.role}"
    overview = section(summary)
    # The class's funnel and attendance map as pictures in the reader's DM (bot/pictures/).
    overview["accessory"] = button("Pictures", ids.ACTION_CLASS_PICTURES, panel.channel_id)
    blocks: list[Block] = [divider(), header(panel.name), overview]
    tail: list[Block] = [context(LEGEND)]
    room = budget - len(blocks) - len(tail)

    flags = panel.flags[:MAX_FLAGS_PER_COHORT]
    more_flags = len(panel.flags) - len(flags)
    flag_blocks = [_flag_block(f) for f in flags]
    if more_flags:
        flag_blocks.append(context(f"and {more_flags} more open red flags (see the ESP tracker export)"))
    help_block: list[Block] = []
    if panel.help_lines:
        shown = panel.help_lines[:MAX_HELP_LINES]
        extra = len(panel.help_lines) - len(shown)
        help_block = [section("*Help queue*\n" + "\n".join(shown) + (f"\nand {extra} more" if extra else ""))]
    # The agents keep at least one section; red flags get what is left after that and the queue.
    most = max(0, room - 1 - len(help_block))
    if len(flag_blocks) > most:
        fit = max(0, most - 1)
        flag_blocks = [_flag_block(f) for f in panel.flags[:fit]]
        if most:
            flag_blocks.append(context(f"and {len(panel.flags) - fit} more open red flags"))
    blocks += flag_blocks + help_block
    room = budget - len(blocks) - len(tail)

    ordered = sorted(panel.agents, key=lambda a: (not a.needs_attention, a.name.lower()))
    chunks = pack_lines([agent_line(a) for a in ordered])
    if not ordered:
        chunks = ["No agents enrolled yet."]
    if len(chunks) > room:
        shown_chunks = chunks[: max(0, room - 1)]
        shown_agents = sum(c.count("\n") + 1 for c in shown_chunks)
        blocks += [section(c) for c in shown_chunks]
        blocks.append(
            context(
                f"Showing {shown_agents} of {len(ordered)} agents ({attention} need attention, listed "
                "first). The tracker export has everyone."
            )
        )
    else:
        blocks += [section(c) for c in chunks]
    return blocks + tail


def staff_home(
    name: str,
    panels: list[CohortPanel],
    form_buttons: list[FormButton],
    note: str | None = None,
    *,
    admin: bool = False,
) -> dict[str, Any]:
    blocks: list[Block] = [
        header(f"Training Day · {name}"),
        context(
            "Your classes at a glance; this tab updates itself. "
            "`/redflag @agent what happened` records a red flag; `/cohort` lists your classes."
        ),
    ]
    if note:
        blocks.append(section(note))
    if form_buttons:
        blocks.append(section("*Forms*"))
        blocks.append(actions(*[button(b.label, b.action_id, b.value) for b in form_buttons[:25]]))
    tools = [*_download_buttons(), _settings_button()]
    if admin:
        tools.append(button("People and roles", ids.ACTION_PEOPLE_ROLES, "", style="primary"))
    blocks.append(actions(*tools, block_id="tools"))
    if not panels:
        blocks.append(section("You have no classes yet. Create one with `/cohort new`."))
        return _view(blocks)
    for index, panel in enumerate(panels):
        left = MAX_BLOCKS - len(blocks) - (1 if index < len(panels) - 1 else 0)
        if left < 6:
            blocks.append(context(f"and {len(panels) - index} more classes: `/cohort` lists them."))
            break
        # Share what is left among the classes still to show, at least 6 blocks each.
        share = max(6, left // (len(panels) - index))
        blocks += _cohort_blocks(panel, min(left, share))
    return _view(blocks)


def _download_buttons() -> list[dict[str, Any]]:
    """The ESP tracker of the reader's classes, as a file in their DM."""
    return [
        button("Download tracker (XLSX)", ids.ACTION_TRACKER_DOWNLOAD, "xlsx"),
        button("CSV", ids.ACTION_TRACKER_DOWNLOAD_CSV, "csv"),
    ]


def _settings_button() -> dict[str, Any]:
    """How each kind of message reaches the reader: at once or in their digest, and quiet hours."""
    return button("Notification settings", ids.ACTION_NOTIFICATION_SETTINGS, "")


def esp_manager_home(name: str, flags: list[FlagCard]) -> dict[str, Any]:
    blocks: list[Block] = [
        header(f"Training Day · {name}"),
        actions(*_download_buttons(), _settings_button(), block_id="tools"),
        section(f"*Open red flags: {len(flags)}*" if flags else "No open red flags. :tada:"),
    ]
    room = MAX_BLOCKS - len(blocks) - 1
    shown = flags[:room]
    blocks += [_flag_block(f) for f in shown]
    if len(flags) > len(shown):
        blocks.append(context(f"and {len(flags) - len(shown)} more; the oldest are shown first."))
    return _view(blocks)


def agent_home(data: AgentHome) -> dict[str, Any]:
    blocks: list[Block] = [header(f"Hi {data.name.split()[0]}!")]
    if not data.cohort_name:
        blocks.append(section("You are not in a class right now. Your team lead adds you to the next one."))
        return _view(blocks)
    blocks.append(section(f"*{escape_line(data.cohort_name)}* · <#{data.channel_id}> · {data.when}"))
    if data.overdue:
        blocks.append(
            section(f":hourglass: *Overdue*\n{data.overdue}. Finish it first; your team lead can see it.")
        )
    if data.next_step:
        blocks.append(section(f"*Your next step*\n{data.next_step}"))
    if data.schedule:
        blocks.append(section(f"*{data.schedule_title}*\n" + "\n".join(data.schedule)))
    status = []
    if data.progress:
        status.append(f"Progress: {data.progress}")
    esp = _esp_text(data.esp)
    if esp:
        status.append(f"Checklist: {esp}")
    att = _attendance_text(data.attendance)
    if att:
        status.append(f"Attendance: {att}")
    if data.points:
        status.append(f"Attendance Policy: {data.points}")
    if status:
        blocks.append(section("*Your status*\n" + "\n".join(status)))
    blocks.append(context("Stuck? `/techissue what is wrong` or `/needhelp`."))
    return _view(blocks)
