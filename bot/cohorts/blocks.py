from __future__ import annotations

from datetime import date
from typing import Any

from bot.cohorts.roster_blocks import roster_inputs
from bot.core.text import NAME, escape
from bot.core.timefmt import show_date
from bot.slack import ids
from bot.slack.blocks import Block, context, header, input_block, plain, section

COMMON_TIMEZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]

USAGE = (
    "*/cohort* — what you can type:\n"
    "• `/cohort` — list your cohorts\n"
    "• `/cohort new` — create a cohort (opens a form; paste its roster from the sheet there)\n"
    "• `/cohort roster` — in the class channel (or `/cohort roster #channel`): add agents from rows "
    "pasted from the sheet, or its CSV/XLSX file; checked and previewed before anything is saved\n"
    "• `/cohort add @agent N1234567 19283746` — in the class channel: add an agent with their "
    "N-Number and NPN\n"
    "• `/cohort transfer @agent` — in the receiving class's channel: move an agent here from their "
    "current class (its team lead is told)\n"
    "• `/cohort identity @agent N1234567 19283746` — correct an agent's N-Number and NPN (recorded)"
)


def cohort_list(rows: list[dict[str, Any]]) -> list[Block]:
    """rows: name, channel_id, start_date, days, timezone, agents, tl_name, pm_name."""
    if not rows:
        return [section("You have no cohorts yet. Create one with `/cohort new`.")]
    blocks: list[Block] = [header("Your cohorts")]
    for row in rows:
        blocks.append(
            section(
                f"*{escape(row['name'])}* in <#{row['channel_id']}>\n"
                f"Starts {show_date(row['start_date'])}, {row['days']} days ({row['timezone']}) · "
                f"{row['agents']} agents · TL {row['tl_name']} · PM {row['pm_name']}"
            )
        )
    return blocks


def agent_added(
    agent_name: str, n_number: str, cohort_name: str, already: bool, differences: list[str] | None = None
) -> list[Block]:
    if already:
        text = f"{agent_name} ({n_number}) is already in *{escape(cohort_name)}*. Nothing changed."
        if differences:
            text += (
                f"\nOn record: {'; '.join(differences)}. To correct them, type "
                "`/cohort identity @agent N1234567 19283746` (it is recorded)."
            )
        return [section(text)]
    return [section(f":white_check_mark: Added *{agent_name}* ({n_number}) to *{escape(cohort_name)}*.")]


def cohort_created(
    name: str, channel_id: str, start: date, days: int, calendar_line: str = "", *, agents: int = 0
) -> list[Block]:
    enrolled = f" with {agents} agent{'s' if agents != 1 else ''}" if agents else ""
    return [
        section(
            f":white_check_mark: Created *{escape(name)}*{enrolled} in <#{channel_id}>, starting "
            f"{show_date(start)} for {days} days." + (f"\n{calendar_line}" if calendar_line else "")
        ),
        context(
            "Add more agents with `/cohort roster` (rows pasted from the sheet, or its CSV/XLSX) or "
            "`/cohort add @agent N-Number NPN` in the class channel."
        ),
    ]


def new_cohort_modal(*, channel_id: str | None, caller_id: str, today: date) -> dict[str, Any]:
    zone_options = [{"text": plain(z), "value": z} for z in COMMON_TIMEZONES]
    channel_select: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.FIELD_INPUT,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if channel_id:
        channel_select["initial_conversation"] = channel_id
    days_options = [{"text": plain(f"{n} days"), "value": str(n)} for n in (3, 4, 5)]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_COHORT_NEW,
        "title": plain("New cohort"),
        "submit": plain("Create"),
        "close": plain("Cancel"),
        "blocks": [
            input_block(
                ids.COHORT_FIELD_NAME,
                "Cohort name",
                {
                    "type": "plain_text_input",
                    "action_id": ids.FIELD_INPUT,
                    "max_length": NAME,
                    "placeholder": plain("AHIP/Aetna class - Dec 1"),
                },
            ),
            input_block(ids.COHORT_FIELD_CHANNEL, "Class channel", channel_select),
            input_block(
                ids.COHORT_FIELD_TIMEZONE,
                "Timezone",
                {
                    "type": "static_select",
                    "action_id": ids.FIELD_INPUT,
                    "options": zone_options,
                    "initial_option": zone_options[1],
                },
            ),
            input_block(
                ids.COHORT_FIELD_START,
                "First training day",
                {"type": "datepicker", "action_id": ids.FIELD_INPUT, "initial_date": today.isoformat()},
                hint="Training days are business days (Mon-Fri).",
            ),
            input_block(
                ids.COHORT_FIELD_DAYS,
                "Length",
                {
                    "type": "static_select",
                    "action_id": ids.FIELD_INPUT,
                    "options": days_options,
                    "initial_option": days_options[0],
                },
            ),
            input_block(
                ids.COHORT_FIELD_LINK,
                "GoTo Training link",
                {"type": "url_text_input", "action_id": ids.FIELD_INPUT},
                optional=True,
                hint="Leave it empty and the bot creates the training in GoTo Training, "
                "with a personal join link for each agent.",
            ),
            input_block(
                ids.COHORT_FIELD_TL,
                "Team lead",
                {"type": "users_select", "action_id": ids.FIELD_INPUT, "initial_user": caller_id},
            ),
            input_block(
                ids.COHORT_FIELD_PM,
                "Production manager",
                {"type": "users_select", "action_id": ids.FIELD_INPUT},
            ),
            *roster_inputs(optional=True),
        ],
    }


# -- the class calendar as the TL reads it: the dates skipped and the real last day --
def skipped_line(skipped: list[tuple[date, str]], last_day: date) -> str:
    if not skipped:
        return f"No holidays or closed dates fall in the class; its last day is {show_date(last_day)}."
    dates = "; ".join(f"{show_date(day)} ({reason})" for day, reason in skipped)
    return f"Skipped (no class): {dates}. The class's last day is *{show_date(last_day)}*."


def calendar_notice(
    cohort_name: str, skipped: list[tuple[date, str]], last_day: date
) -> tuple[str, list[Block]]:
    text = f"{cohort_name}: the calendar skips {len(skipped)} date(s); last day {show_date(last_day)}."
    return text, [
        section(f":calendar: *{cohort_name}* runs on the class calendar.\n{skipped_line(skipped, last_day)}")
    ]
