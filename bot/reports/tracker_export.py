"""The tracking sheet: one row per agent of a cohort with the six ESP statuses, attendance, MIAs,
the coaching level, failed attempts and open red flags. `rows` builds it; `write_csv` and
`write_xlsx` save it."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot.certs import call_cert
from bot.certs import service as certs
from bot.class_day import attendance
from bot.class_day import points as attendance_points
from bot.coaching import service as coaching
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core.timefmt import local
from bot.esp_tracker import service as esp
from bot.red_flags import service as red_flags
from db.models import Cohort, Person


def headers(playbook: Playbook) -> list[str]:
    return (
        ["Agent", "Slack ID", "N-Number"]
        + list(esp.ITEMS.values())
        + ["ESP complete", "Attendance", "MIAs", "Attendance points", "Coaching level"]
        + [f"Failed {c.name} attempts" for c in playbook.carriers]
        + ["Open red flags"]
        + ["G2T minutes"]  # GoTo Training: minutes in the session per day
        + [f"Failed {c.name} attempts" for c in playbook.failed_certs.tbt_courses]
        + ["Call Cert pass rate"]
        + ["Moved to production"]
    )


def rows(
    session: Session, cohort_id: int, playbook: Playbook, now: datetime | None = None
) -> list[list[Any]]:
    """The header row, then one row per agent still active or moved to production (by name).
    Attendance points are those in the window on `now`, across the agent's classes."""
    cohort = cohorts.by_id(session, cohort_id)
    table: list[list[Any]] = [headers(playbook)]
    enrollments = cohorts.tracked_enrollments(session, cohort.id)
    points = attendance_points.points_of(
        session, playbook, [e.person_id for e in enrollments], now or datetime.now(UTC)
    )
    for enrollment in enrollments:
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
                points[agent.id].total,
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
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table)


def write_xlsx(table: list[list[Any]], path: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for row in table:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    book.save(path)
