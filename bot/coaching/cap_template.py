"""The shipped CAP template (bot/coaching/templates/cap.docx), built with python-docx so it can be
rebuilt and changed in review: `python -m bot.coaching.cap_template [path]`. It mirrors the CAP
text of the playbook; a team's own template (the `cap.document` path) replaces it without code.

Each {{ placeholder }} is written in one run, which is what docxtpl needs to find it."""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt

DEFAULT_PATH = Path(__file__).parent / "templates" / "cap.docx"


def build(path: Path = DEFAULT_PATH) -> Path:
    document = Document()
    document.core_properties.title = "Corrective Action Plan"
    document.add_heading("Corrective Action Plan: {{ level }}", level=1)
    for label, value in (
        ("Agent", "{{ agent_name }}"),
        ("N-Number", "{{ n_number }}"),
        ("Class", "{{ cohort }} ({{ cohort_dates }})"),
        ("Date", "{{ date }}"),
        ("Policy", "{{ policy }}"),
        ("Team lead", "{{ tl_name }}"),
        ("Coached by", "{{ coached_by }}"),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for heading, value in (
        ("What happened", "{{ incident }}"),
        ("Prior coaching", "{{ history }}"),
        ("Expectation going forward", "{{ expectation }}"),
        ("Consequence", "{{ consequence }}"),
        ("Acknowledgement", "{{ acknowledgement }}"),
    ):
        document.add_heading(heading, level=2)
        document.add_paragraph(value)
    document.add_paragraph()
    for line in (
        "Agent signature: ______________________  Date: __________",
        "Team lead ({{ tl_name }}) signature: ______________________  Date: __________",
    ):
        document.add_paragraph().add_run(line).font.size = Pt(11)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH))
