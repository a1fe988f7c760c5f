"""Everything the bot holds about one agent, as one ZIP: `record.docx` (to read and file),
`record.json` (machine-readable) and `timeline.csv` (formula-safe, for a spreadsheet). Built from
the records as they are: a redacted agent's record reads "redacted" where their identity was."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from typing import Any

from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.class_day import attendance
from bot.class_day import points as attendance_points
from bot.coaching import service as coaching
from bot.config.playbook import Playbook
from bot.core.export_files import safe_cell
from bot.core.timefmt import local
from db.models import AttendanceFlag, AuditEntry, CertAttempt, Enrollment, EspItem, Person, RedFlag

REDACTED = "redacted"


def _when(moment: datetime | None, timezone: str) -> str:
    return local(moment, timezone).strftime("%Y-%m-%d %H:%M %Z") if moment else ""


def _identity(agent: Person) -> dict[str, Any]:
    gone = agent.redacted_at is not None
    return {
        "name": agent.name,
        "slack_id": agent.slack_user_id,
        "n_number": agent.n_number or "",
        "npn": REDACTED if gone else (agent.npn or ""),
        "email": REDACTED if gone else (agent.email or ""),
        "timezone": agent.timezone or "",
        "left_at": agent.left_at.isoformat() if agent.left_at else None,
        "personal_fields_redacted_at": agent.redacted_at.isoformat() if agent.redacted_at else None,
        "hr_records_redacted_at": agent.hr_redacted_at.isoformat() if agent.hr_redacted_at else None,
    }


def collect(session: Session, playbook: Playbook, agent: Person, now: datetime) -> dict[str, Any]:
    """The record as plain data: what record.json holds, and what the DOCX and CSV show."""
    enrollments = list(
        session.scalars(
            select(Enrollment).where(Enrollment.person_id == agent.id).order_by(Enrollment.enrolled_at)
        )
    )
    tz = enrollments[-1].cohort.timezone if enrollments else (agent.timezone or "UTC")
    points = attendance_points.points_for(session, playbook, agent.id, now)
    marks = session.scalars(
        select(AttendanceFlag).where(AttendanceFlag.person_id == agent.id).order_by(AttendanceFlag.flagged_at)
    ).all()
    coachings = list(reversed(coaching.history(session, agent.id)))
    attempts = session.scalars(
        select(CertAttempt).where(CertAttempt.person_id == agent.id).order_by(CertAttempt.recorded_at)
    ).all()
    items = session.scalars(select(EspItem).where(EspItem.person_id == agent.id)).all()
    item_names = {str(i.id): i.item for i in items}
    tracker_history = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "esp_item", AuditEntry.entity_id.in_(list(item_names)))
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    flags = session.scalars(
        select(RedFlag).where(RedFlag.person_id == agent.id).order_by(RedFlag.raised_at)
    ).all()
    return {
        "generated_at": now.isoformat(),
        "identity": _identity(agent),
        "classes": [
            {
                "name": e.cohort.name,
                "status": e.status,
                "enrolled_at": _when(e.enrolled_at, tz),
                "moved_to_production_at": _when(e.moved_to_production_at, tz),
            }
            for e in enrollments
        ],
        "attendance": {
            "days": [
                {"day": day, "code": label}
                for day, label in attendance.day_codes(session, agent.id, playbook)
            ],
            "points": points.total,
            "points_summary": points.summary,
            "occurrences": [
                {"on": o.on.isoformat(), "code": o.code, "text": o.text, "points": o.points}
                for o in points.occurrences
            ],
            "marks": [
                {
                    "day": m.day,
                    "kind": m.kind,
                    "at": _when(m.flagged_at, tz),
                    "status": m.status,
                    "reason": m.reason or "",
                }
                for m in marks
            ],
        },
        "coachings": [
            {
                "date": _when(c.created_at, tz),
                "level": coaching.level_label(playbook, c.level),
                "policy": coaching.policy_title(playbook, c.policy),
                "by": c.coached_by.name,
                "incident": c.incident,
                "expectation": c.expectation,
                "skip_reason": c.skip_reason or "",
                "cap": bool(c.document),
                "acknowledged_at": _when(c.acknowledged_at, tz) if c.document else None,
                "acknowledgement": playbook.cap.acknowledgement_for(c.policy) if c.document else None,
            }
            for c in coachings
        ],
        "failed_exams": [
            {
                "exam": _exam_name(playbook, a.carrier_key),
                "attempt": a.attempt_no,
                "score": a.score,
                "note": a.note or "",
                "recorded_at": _when(a.recorded_at, tz),
            }
            for a in attempts
        ],
        "tracker": {
            "now": {i.item: i.status for i in items},
            "history": [
                {
                    "at": _when(e.at, tz),
                    "by": e.actor,
                    "item": item_names.get(e.entity_id, ""),
                    "change": e.details,
                }
                for e in tracker_history
            ],
        },
        "red_flags": [
            {
                "raised_at": _when(f.raised_at, tz),
                "by": f.raised_by.name,
                "description": f.description,
                "category": f.category or "",
                "resolved_at": _when(f.resolved_at, tz),
                "resolution": f.resolution or "",
            }
            for f in flags
        ],
    }


def _exam_name(playbook: Playbook, key: str) -> str:
    exam = playbook.exam(key)
    return exam.name if exam else key


def timeline(record: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [["When", "What", "Detail"]]
    for m in record["attendance"]["marks"]:
        rows.append([m["at"], f"Attendance: {m['kind']} (day {m['day']}, {m['status']})", m["reason"]])
    for c in record["coachings"]:
        ack = (
            f"; acknowledged {c['acknowledged_at']}"
            if c.get("acknowledged_at")
            else ("; not acknowledged" if c["cap"] else "")
        )
        rows.append([c["date"], f"{c['level']} ({c['policy']}) by {c['by']}{ack}", c["incident"]])
    for a in record["failed_exams"]:
        rows.append([a["recorded_at"], f"Failed {a['exam']} attempt {a['attempt']}", a["note"]])
    for f in record["red_flags"]:
        rows.append([f["raised_at"], f"Red flag by {f['by']}", f["description"]])
    rows[1:] = sorted(rows[1:], key=lambda r: str(r[0]))
    return rows


def _csv(table: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _docx(record: dict[str, Any]) -> bytes:
    ident = record["identity"]
    document = Document()
    document.add_heading(f"Agent record: {ident['name']}", level=1)
    for label, key in (
        ("N-Number", "n_number"),
        ("NPN", "npn"),
        ("Email", "email"),
        ("Slack ID", "slack_id"),
    ):
        document.add_paragraph(f"{label}: {ident[key] or '(none on file)'}")
    document.add_paragraph(f"Generated: {record['generated_at']}")

    def section(title: str, lines: list[str]) -> None:
        document.add_heading(title, level=2)
        for line in lines or ["None on record."]:
            document.add_paragraph(line, style="List Bullet")

    section(
        "Classes", [f"{c['name']}: {c['status']}, enrolled {c['enrolled_at']}" for c in record["classes"]]
    )
    att = record["attendance"]
    section(
        "Attendance",
        [f"Day {d['day']}: {d['code']}" for d in att["days"]]
        + [att["points_summary"]]
        + [f"{o['text']} ({o['points']:g})" for o in att["occurrences"]],
    )
    section(
        "Coachings and CAPs",
        [
            f"{c['date']}: {c['level']} ({c['policy']}) by {c['by']}. {c['incident']}"
            + (
                f" Acknowledged by the agent {c['acknowledged_at']}."
                if c.get("acknowledged_at")
                else (" Not acknowledged by the agent." if c["cap"] else "")
            )
            for c in record["coachings"]
        ],
    )
    section(
        "Failed exams",
        [
            f"{a['recorded_at']}: {a['exam']} attempt {a['attempt']}"
            + (f", score {a['score']}" if a["score"] is not None else "")
            for a in record["failed_exams"]
        ],
    )
    section(
        "ESP tracker",
        [f"{item}: {status}" for item, status in record["tracker"]["now"].items()]
        + [f"{h['at']}: {h['item']} {h['change']}" for h in record["tracker"]["history"]],
    )
    section(
        "Red flags",
        [
            f"{f['raised_at']}: {f['description']}"
            + (f" (resolved {f['resolved_at']}: {f['resolution']})" if f["resolved_at"] else "")
            for f in record["red_flags"]
        ],
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(record: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.docx", _docx(record))
        archive.writestr("record.json", json.dumps(record, indent=2, ensure_ascii=False, default=str))
        archive.writestr("timeline.csv", _csv(timeline(record)))
    return out.getvalue()


def filename(agent: Person, now: datetime) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", agent.name.lower()).strip("-")[:40] or "agent"
    return f"record-{slug}-{now.date().isoformat()}.zip"
