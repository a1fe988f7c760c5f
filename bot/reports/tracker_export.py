"""The tracking sheet: one row per agent of a cohort with the six ESP statuses, attendance, MIAs,
the coaching level, failed attempts and open red flags. `rows` builds it; `write_csv` and
`write_xlsx` save it, formula-safe (bot/core/export_files.py)."""

from __future__ import annotations

import csv
import io
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
from bot.core import record_reads
from bot.core.cells import formula_like, formula_safe
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
        + ["CAP acknowledgements"]
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
            + [coaching.acknowledgements_line(session, agent.id, playbook, cohort.timezone)]
            + [local(moved, cohort.timezone).date().isoformat() if moved else ""]
        )
    return table


def record_failed_exam_reads(
    session: Session, cohort_ids: list[int], *, reader: str, at: datetime, where: str
) -> int:
    """The export shows each agent's failed attempts: one read per agent who has any, one INSERT."""
    person_ids = [
        e.person_id for cohort_id in cohort_ids for e in cohorts.tracked_enrollments(session, cohort_id)
    ]
    counts = certs.failed_attempt_counts(session, person_ids)
    return record_reads.record_many(
        session,
        reader=reader,
        what=record_reads.FAILED_EXAMS,
        at=at,
        rows=[(pid, f"{where}: {n} failed attempt(s)") for pid, n in sorted(counts.items())],
    )


def _g2t_minutes(session: Session, playbook: Playbook, cohort: Cohort, agent: Person) -> str:
    rows = attendance.agent_record(session, playbook, cohort, agent)
    return "; ".join(f"Day {r.day}: {r.g2t_minutes}" for r in rows if r.g2t_minutes is not None)


def write_csv(table: list[list[Any]], path: Path) -> None:
    path.write_bytes(csv_bytes(table))


def csv_bytes(table: list[list[Any]]) -> bytes:
    """The table as CSV (UTF-8 with a BOM, so Excel reads names with accents), formula-safe."""
    out = io.StringIO()
    csv.writer(out).writerows([[formula_safe(cell) for cell in row] for row in table])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(table: list[list[Any]], path: Path, title: str) -> None:
    path.write_bytes(xlsx_bytes([(title, table)]))


def xlsx_bytes(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    """One sheet per (title, table); formula-like text is stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    used: set[str] = set()
    for title, table in sheets:
        sheet = book.create_sheet(_sheet_title(title, used))
        for row in table:
            sheet.append(row)
        for row_cells in sheet.iter_rows():
            for cell in row_cells:
                if formula_like(cell.value):
                    cell.data_type = "s"  # openpyxl writes "=..." as a formula otherwise
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    if not book.worksheets:
        book.create_sheet("Tracker")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel's sheet names: 31 characters, none of []:*?/\\, unique in the book."""
    base = "".join("-" if c in "[]:*?/\\" else c for c in title).strip("'")[:31] or "Tracker"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name
