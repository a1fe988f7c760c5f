"""The evening check: what a TL still has to do before logging off on a training day.

- agents with no form submitted that day where the playbook expects one (`evening_check.expected_forms`;
  a form is not expected once its ESP tracker item is complete),
- tracker rows not updated that day (agents not yet ESP-complete with no tracker change that day),
- open red flags of the class.

Forms and the tracker are read through their own services (`bot.forms.service`, `bot.esp_tracker.service`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.calendar.class_days import day_window
from bot.cohorts import service as cohorts
from bot.config.playbook import Playbook
from bot.core.text import escape_line
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from bot.forms import evening_blocks
from bot.forms import service as forms
from bot.forms.types import Checklist
from bot.red_flags import service as red_flags
from bot.red_flags.notify import card_of


def checklist(session: Session, playbook: Playbook, cohort_id: int, day: int) -> Checklist:
    cohort = cohorts.by_id(session, cohort_id)
    policy = playbook.evening_check
    start, end = day_window(cohort, playbook, day)
    submitted = forms.submitted_between(session, cohort.id, start, end)
    expected = policy.forms_for(day)

    missing_forms: list[tuple[str, list[str]]] = []
    stale: list[str] = []
    for agent in cohorts.active_agents(session, cohort.id):
        states = esp.statuses(session, agent.id)
        missing = []
        for form in expected:
            state = states.get(form.esp_item) if form.esp_item else None
            if state is not None and state.status == esp.COMPLETE:
                continue
            if any(
                s.person_id == agent.id
                and s.kind == form.kind
                and (form.carrier is None or (s.data or {}).get("carrier") == form.carrier)
                for s in submitted
            ):
                continue
            missing.append(form.label)
        if missing:
            missing_forms.append((agent.name, missing))
        if policy.tracker_updated_daily and not esp.is_complete(session, agent.id):
            touched = any(s.changed_at is not None and start <= s.changed_at < end for s in states.values())
            if not touched:
                stale.append(agent.name)

    labels = {c.key: c.label for c in playbook.red_flags.categories}
    flags = (
        [card_of(f, labels, cohort.tl.timezone) for f in red_flags.open_for_cohort(session, cohort.id)]
        if policy.open_red_flags
        else []
    )
    return Checklist(
        cohort_name=cohort.name,
        day=day,
        date_text=f"{start:%a %b} {start.day}",
        missing_forms=missing_forms,
        stale_tracker=stale,
        open_flags=flags,
    )


# -- use case: the evening check jobs ----------------------------------------------------------------
def check_key(cohort_id: int, day: int) -> str:
    return f"evening:{cohort_id}:day:{day}:check"


def reminder_key(cohort_id: int, day: int) -> str:
    return f"evening:{cohort_id}:day:{day}:reminder"


@use_case
def send_checklist(work: Work, cohort_id: int, day: int, reminder: bool) -> bool:
    """The TL's checklist for the day (or its one reminder) if anything is open, once per cohort
    and day; True when the DM is on its way (or had gone), False when all is done."""
    found = checklist(work.session, work.playbook, cohort_id, day)
    if found.done:
        return False
    tl = cohorts.by_id(work.session, cohort_id).tl.slack_user_id
    flags = [
        f"{escape_line(c.agent_name)}: {c.description} (raised by {c.raised_by})" for c in found.open_flags
    ]
    text, blocks = evening_blocks.checklist(
        cohort_name=found.cohort_name,
        day=found.day,
        date_text=found.date_text,
        missing_forms=found.missing_forms,
        stale_tracker=found.stale_tracker,
        open_flags=flags,
        reminder=reminder,
    )
    work.notify(
        key=reminder_key(cohort_id, day) if reminder else check_key(cohort_id, day),
        kind="evening.reminder" if reminder else "evening.check",
        recipient=tl,
        text=text,
        blocks=blocks,
    )
    return True
