"""The TL's answer to a bot-owned cell someone typed over in the tracking sheet: take the sheet's
value into the bot (the ESP item, or the day's attendance code), after which the two agree and
the sheet is not written over."""

from __future__ import annotations

from dataclasses import dataclass

from bot.access import targets as access
from bot.access.policy import Action
from bot.class_day import attendance
from bot.cohorts import service as cohorts
from bot.core import audit
from bot.core.errors import Conflict, InvalidInput, NotFound
from bot.core.text import escape_line, shorten
from bot.core.unit_of_work import Work, use_case
from bot.esp_tracker import service as esp
from bot.sheet_sync.layout import status_for
from db.models import Person, SheetCell


@dataclass(frozen=True)
class Taken:
    person_id: int
    agent: str
    header: str
    value: str
    esp_item: str | None


@use_case
def take_sheet_value(work: Work, cell_id: int) -> Taken:
    session, policy = work.session, work.playbook.sheet_sync
    cell = session.get(SheetCell, cell_id)
    person = session.get(Person, cell.person_id) if cell is not None else None
    if cell is None or person is None:
        raise NotFound("That sheet cell is no longer tracked; nothing changed.")
    actor = work.allow(Action.SHEET_TAKE_VALUE, access.agent_target(session, person, f"sheet_cell:{cell.id}"))
    # Two people clicking at once (two replicas): the second waits here for the first's commit and
    # then reads that the cell already agrees.
    session.refresh(cell, with_for_update=True)
    value = cell.disagreement
    if value is None:
        raise Conflict(
            f"{escape_line(person.name)}'s {escape_line(cell.header)} already agrees with the sheet; nothing changed."
        )
    column = next((c for c in policy.columns if c.header == cell.header and c.owner == "bot"), None)
    item = None
    if column is not None and column.source == "esp" and column.item in esp.ITEMS:
        status = status_for(policy, column, value)
        if status is None:
            raise InvalidInput(
                f"“{escape_line(shorten(value, 200))}” is not one of the sheet's status words for "
                f"{escape_line(cell.header)}, so I cannot take it. "
                "Fix it in the sheet, or set the item with /esp. Nothing changed."
            )
        item = column.item
        esp.set_status(
            session, person=person, item=item, status=status, actor=actor, now=work.now, source="sheet"
        )
    elif column is not None and column.source == "attendance" and column.day is not None:
        enrollment = cohorts.enrollment_of(session, person.id)
        if enrollment is None:
            raise InvalidInput(f"{escape_line(person.name)} is not in an active class; nothing changed.")
        attendance.set_code(
            session,
            work.playbook,
            enrollment.cohort,
            person,
            column.day,
            value,
            actor=actor,
            reason="taken from the tracking sheet",
            now=work.now,
        )
    else:
        raise InvalidInput(
            f"Training Day keeps {escape_line(cell.header)} itself; change it in Slack. Nothing changed."
        )
    cell.written, cell.written_at = value, work.now
    cell.disagreement, cell.disagreement_at = None, None
    audit.record(
        session,
        actor=actor.slack_user_id,
        action="sheet.value_taken",
        entity="sheet_cell",
        entity_id=cell.id,
        at=work.now,
        details={"header": cell.header, "value": value, "person_id": person.id},
    )
    if item is not None:
        esp.enqueue_if_complete(work, person.id)  # as every tracker update: the ESP-complete DMs
    return Taken(person.id, person.name, cell.header, value, item)
