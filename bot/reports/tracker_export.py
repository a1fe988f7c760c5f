"""The tracking sheet: one row per agent of a cohort with the six ESP statuses, attendance, MIAs,
the coaching level, failed attempts and open red flags. `rows` builds it; `write_csv` and
`write_xlsx` save it, formula-safe (bot/core/export_files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.certs import call_cert
from bot.certs import service as certs
from bot.class_day import attendance
from bot.coaching import service as coaching
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core import export_files
from bot.core.timefmt import local
from bot.esp_tracker import service as esp
from bot.red_flags import service as red_flags
from db.models import Cohort, Person


def headers(playbook: Playbook) -> list[str]:
    return (
        ["Agent", "Slack ID", "N-Number"]
        + list(esp.ITEMS.values())
        + ["ESP complete", "Attendance", "MIAs", "Coaching level"]
        + [f"Failed {c.name} attempts" for c in playbook.carriers]
        + ["Open red flags"]
        + ["G2T minutes"]  # GoTo Training: minutes in the session per day
        + [f"Failed {c.name} attempts" for c in playbook.failed_certs.tbt_courses]
        + ["Call Cert pass rate"]
        + ["Moved to production"]
    )


def rows(session: Session, cohort_id: int, playbook: Playbook) -> list[list[Any]]:
    """The header row, then one row per agent still active or moved to production (by name)."""
    cohort = cohorts.by_id(session, cohort_id)
    table: list[list[Any]] = [headers(playbook)]
    for enrollment in cohorts.tracked_enrollments(session, cohort.id):
        agent = enrollment.person
        moved = enrollment.moved_to_production_at
        states = esp.statuses(session, agent.id)
        codes = attendance.day_codes(session, agent.id, playbook)
        failed = certs.attempts_by_carrier(session, agent.id)
        flags = red_flags.open_for_person(session, agent.id)
        table.append(
            [agent.name, agent.slack_user_id, agent.n_number or ""]
            + [states[key].status_label for key in esp.ITEMS]
            + [
                "yes" if esp.is_complete(session, agent.id) else "no",
                "; ".join(f"Day {day}: {label}" for day, label in codes),
                attendance.mia_count(session, agent.id),
                coaching.current_level(session, agent.id, playbook) or "",
            ]
            + [failed.get(c.key, 0) for c in playbook.carriers]
            + ["; ".join(f.description for f in flags)]
            + [_g2t_minutes(session, playbook, cohort, agent)]
            + [failed.get(c.key, 0) for c in playbook.failed_certs.tbt_courses]
            + [call_cert.latest_pass_rate(session, agent.id)]
            + [local(moved, cohort.timezone).date().isoformat() if moved else ""]
        )
    return table


def _g2t_minutes(session: Session, playbook: Playbook, cohort: Cohort, agent: Person) -> str:
    rows = attendance.agent_record(session, playbook, cohort, agent)
    return "; ".join(f"Day {r.day}: {r.g2t_minutes}" for r in rows if r.g2t_minutes is not None)


def write_csv(table: list[list[Any]], path: Path) -> None:
    export_files.write_csv(table, path)


def write_xlsx(table: list[list[Any]], path: Path, title: str) -> None:
    export_files.write_xlsx(table, path, title)
