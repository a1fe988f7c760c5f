"""The CAP as a document: the team's DOCX template (the playbook's `cap.document`) filled with
docxtpl. The values are the same the Slack text is filled with; text typed in Slack is escaped
for the document's XML by docxtpl, and its line breaks kept."""

from __future__ import annotations

import io
import re

from docxtpl import DocxTemplate, Listing

from bot.coaching.playbook import CapTemplate, cap_document_path

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fill(cap: CapTemplate, values: dict[str, str]) -> bytes:
    """The filled DOCX's bytes. Multi-line values keep their lines (a Listing), and every value is
    escaped (autoescape), so `<` or `&` in an incident cannot break the document."""
    template = DocxTemplate(str(cap_document_path(cap.document)))
    context = {key: Listing(value) if "\n" in value else value for key, value in values.items()}
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def filename(agent_name: str, level_key: str, day: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", agent_name.lower()).strip("-")[:40] or "agent"
    return f"cap-{slug}-{level_key}-{day}.docx"
