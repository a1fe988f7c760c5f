"""The five tracking forms' names, in the order the team lists them (one place for every surface)."""

from __future__ import annotations

FORM_NAMES: dict[str, str] = {
    "cert": "Carrier Cert Completion",
    "tbt": "TBT Completion",
    "callcert": "Call Certification",
    "failedcert": "Failed Carrier Cert Exams",
    "ticket": "Carrier Tickets",
}
