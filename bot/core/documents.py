"""A plain DOCX (a title, then headed sections of lines) for records handed to HR when the team has
no template of its own for them (a failed exam's notice)."""

from __future__ import annotations

import io

from docx import Document


def simple_docx(title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    for heading, lines in sections:
        document.add_heading(heading, level=2)
        for line in lines or ["None on record."]:
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
