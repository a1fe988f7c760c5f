from __future__ import annotations

from bot.config.playbook import Playbook
from bot.core.text import escape_line
from bot.slack.blocks import Block, context, section


def welcome(agent_name: str, cohort_name: str, playbook: Playbook) -> list[Block]:
    guides = playbook.guides
    return [
        section(
            f"Welcome to *{escape_line(cohort_name)}*, {escape_line(agent_name)}! Everything for the class happens here."
        ),
        section(
            f"• <{guides.ahip.url}|{guides.ahip.title}>: {playbook.formats.n_number_warning}\n"
            f"• <{guides.aetna.url}|{guides.aetna.title}>: your proof screenshot must show all "
            f"13 green checkmarks.\n"
            f"• <{guides.tech_issues.url}|{guides.tech_issues.title}>"
        ),
        context("Check in each morning and after each break by reacting to the bot's post."),
    ]
