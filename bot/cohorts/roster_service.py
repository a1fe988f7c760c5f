"""A class's roster from the team's sheet, in Slack: rows pasted into `/cohort new` or
`/cohort roster`, or a CSV/XLSX attached there, checked row by row, shown in a preview, and
written only when the person confirms, all in one transaction.

Nothing is written while any row is wrong: the preview names each bad row and why, and offers no
confirmation. Confirming checks the records again (they may have changed since the preview) and
then creates the class and enrols its agents at once. Rows already in the class change nothing.

The checks that call Slack (the attached file, each person in the directory) run outside any unit
of work, after the policy has said yes, so a refusal costs Slack nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from bot.access import targets as access
from bot.access.policy import Action
from bot.cohorts import roster, roster_check
from bot.cohorts import roster_blocks as blocks
from bot.cohorts import service as cohorts
from bot.cohorts.roster import Roster
from bot.cohorts.roster_check import Row
from bot.cohorts.spec import CohortSpec
from bot.cohorts.types import RosterAdded, RosterConfirmed, RosterLine, RosterPreview
from bot.core.context import AppContext
from bot.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from bot.core.text import escape
from bot.core.unit_of_work import Caller, Work, use_case
from bot.slack import files
from db.models import Cohort, RosterDraft

# A preview is confirmed within minutes; one older than this is checked again from the start.
DRAFT_LIFETIME = timedelta(hours=2)
STALE = "This preview is out of date; open the form again and check the rows anew. Nothing was saved."


@dataclass(frozen=True)
class RosterSource:
    """What the person gave: pasted text, or attached file ids (Slack's file_input)."""

    text: str = ""
    file_ids: list[str] = field(default_factory=list)


def parse_pasted(text: str) -> Roster | None:
    """The pasted rows, read at once so a malformed paste is named on the form's field; None when
    nothing was pasted (the file, if any, is read after the ack)."""
    return roster.from_text(text) if text.strip() else None


# -- the forms -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RosterForm:
    cohort_id: int
    cohort_name: str
    channel_id: str


@use_case
def roster_form(work: Work, channel_id: str) -> RosterForm:
    """`/cohort roster [#channel]`: may the caller add a roster to that class."""
    _actor, cohort = cohorts.class_here(work, Action.ROSTER_IMPORT, channel_id)
    return RosterForm(cohort_id=cohort.id, cohort_name=cohort.name, channel_id=cohort.channel_id)


@use_case
def may_create(work: Work, spec: CohortSpec) -> bool:
    """The new class's own checks (the policy, a free channel and name, its TL and PM set up), before
    its roster is read: a refusal is named on the form's field and costs Slack nothing."""
    cohorts.check_new_cohort(work, spec)
    return True


# -- the preview ---------------------------------------------------------------------------------
def preview_for_class(
    ctx: AppContext, caller: Caller, cohort_id: int, source: RosterSource, pasted: Roster | None
) -> RosterPreview:
    """Rows for an existing class, checked and previewed."""
    _may_add(ctx, caller, cohort_id)
    rows, where = _checked_rows(ctx, source, pasted)
    return _stage(ctx, caller, rows, where, cohort_id=cohort_id, spec=None)


def preview_for_new_class(
    ctx: AppContext, caller: Caller, spec: CohortSpec, source: RosterSource, pasted: Roster | None
) -> RosterPreview:
    """Rows for a class still to be created (the /cohort new form), checked and previewed."""
    may_create(ctx, caller, spec)
    rows, where = _checked_rows(ctx, source, pasted)
    return _stage(ctx, caller, rows, where, cohort_id=None, spec=spec)


@use_case
def _may_add(work: Work, cohort_id: int) -> bool:
    cohort = _cohort(work, cohort_id)
    work.allow(Action.ROSTER_IMPORT, access.cohort_target(cohort))
    return True


def _checked_rows(ctx: AppContext, source: RosterSource, pasted: Roster | None) -> tuple[list[Row], str]:
    table = pasted if pasted is not None else _attached(ctx, source)
    rows = roster_check.read(table, ctx.playbook)
    roster_check.look_up(ctx.client, rows)
    return rows, table.source


def _attached(ctx: AppContext, source: RosterSource) -> Roster:
    if not source.file_ids:
        raise InvalidInput(f"Paste the rows or attach the sheet as a CSV or XLSX file. {roster.USAGE}")
    if len(source.file_ids) > 1:
        raise InvalidInput("Attach one file: the roster's CSV or XLSX.")
    got = files.download(ctx.client, source.file_ids[0], max_bytes=roster.MAX_FILE_BYTES)
    return roster.from_file(got.name, got.content)


@use_case
def _stage(
    work: Work, rows: list[Row], source: str, *, cohort_id: int | None, spec: CohortSpec | None
) -> RosterPreview:
    cohort: Cohort | None = None
    if cohort_id is not None:
        cohort = _cohort(work, cohort_id)
        work.allow(Action.ROSTER_IMPORT, access.cohort_target(cohort))
        managed = not cohort.training_link
    else:
        assert spec is not None
        cohorts.check_new_cohort(work, spec)
        managed = not spec.training_link
    roster_check.against_records(
        work.session, work.ctx.settings, rows, cohort, managed=managed, may_read=cohorts.may_read_record(work)
    )
    preview = _preview(rows, source, cohort, spec)
    if preview.bad or not preview.ready:
        return preview
    draft = RosterDraft(
        created_by=work.caller.user_id,
        cohort_id=cohort.id if cohort is not None else None,
        cohort_spec=spec.model_dump(mode="json") if spec is not None else None,
        rows=[_row_json(r) for r in rows],
        created_at=work.now,
    )
    work.session.add(draft)
    work.session.flush()
    return _with_draft(preview, draft.id)


def _preview(rows: list[Row], source: str, cohort: Cohort | None, spec: CohortSpec | None) -> RosterPreview:
    bad = [RosterLine(r.number, escape(r.who), escape("; ".join(r.problems))) for r in rows if r.problems]
    already = [RosterLine(r.number, escape(r.who), "already in the class") for r in rows if r.already]
    ready = [
        RosterLine(r.number, escape(r.name), f"{r.n_number} · NPN {r.npn}")
        for r in rows
        if not r.problems and not r.already
    ]
    name = cohort.name if cohort is not None else (spec.name if spec is not None else "")
    channel = cohort.channel_id if cohort is not None else (spec.channel if spec is not None else "")
    return RosterPreview(
        class_name=name,
        channel_id=channel,
        new_class=cohort is None,
        source=source,
        ready=ready,
        already=already,
        bad=bad,
    )


def _with_draft(preview: RosterPreview, draft_id: int) -> RosterPreview:
    return RosterPreview(**{**preview.__dict__, "draft_id": draft_id})


def _row_json(row: Row) -> dict[str, Any]:
    return {
        "number": row.number,
        "slack_id": row.slack_id,
        "name": row.name,
        "n_number": row.n_number,
        "npn": row.npn,
        "email": row.email,
        "user": row.user,
    }


def _row_of(data: dict[str, Any]) -> Row:
    return Row(
        number=int(data["number"]),
        user=str(data.get("user") or ""),
        name=str(data["name"]),
        n_number=str(data["n_number"]),
        npn=str(data["npn"]),
        email=data.get("email"),
        slack_id=str(data["slack_id"]),
    )


def _cohort(work: Work, cohort_id: int) -> Cohort:
    cohort = work.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("That class no longer exists. Nothing was saved.")
    return cohort


# -- the confirmation ----------------------------------------------------------------------------
@use_case
def confirm(work: Work, draft_id: int) -> RosterConfirmed:
    """The preview's Create/Add button: the class and its agents, in this one transaction."""
    draft = work.session.get(RosterDraft, draft_id, with_for_update=True)
    if draft is None or draft.created_by != work.caller.user_id:
        raise NotAllowed("That preview is not yours to confirm. Nothing was saved.")
    if draft.confirmed_at is not None or work.now - draft.created_at > DRAFT_LIFETIME:
        raise Conflict(STALE if draft.confirmed_at is None else "That roster was already confirmed.")
    rows = [_row_of(r) for r in draft.rows]
    if draft.cohort_id is not None:
        cohort: Cohort | None = _cohort(work, draft.cohort_id)
        assert cohort is not None
        actor = work.allow(Action.ROSTER_IMPORT, access.cohort_target(cohort))
        spec = None
        managed = not cohort.training_link
    else:
        try:
            spec = CohortSpec.model_validate(draft.cohort_spec)
        except ValidationError:
            raise Conflict(STALE) from None
        actor = cohorts.check_new_cohort(work, spec)
        cohort = None
        managed = not spec.training_link
    roster_check.against_records(
        work.session, work.ctx.settings, rows, cohort, managed=managed, may_read=cohorts.may_read_record(work)
    )
    if any(r.problems for r in rows):
        return RosterConfirmed(done=False, preview=_preview(rows, "rows", cohort, spec))
    draft.confirmed_at = work.now
    joining = [r for r in rows if not r.already]
    if spec is not None:
        spec.agents = [r.as_spec() for r in joining]
        created = cohorts.create_cohort(work, spec, actor)
        return RosterConfirmed(
            done=True, cohort_id=created.cohort_id, class_name=created.name, added=len(joining)
        )
    assert cohort is not None
    person_ids = []
    for row in joining:
        person, _changes, newly = cohorts.enroll_from_roster(
            work.session, cohort, row.as_spec(), actor=actor.slack_user_id, now=work.now
        )
        if newly:
            person_ids.append(person.id)
    if person_ids:
        work.emit(RosterAdded(cohort_id=cohort.id, person_ids=person_ids))
    already = len(rows) - len(joining)
    work.notify(
        key=f"roster.added:{draft.id}",
        kind="roster_added",
        recipient=actor.slack_user_id,
        text=f"Added {len(person_ids)} agent(s) to {escape(cohort.name)}.",
        blocks=blocks.roster_added(cohort.name, cohort.channel_id, len(person_ids), already),
    )
    return RosterConfirmed(
        done=True, cohort_id=cohort.id, class_name=cohort.name, added=len(person_ids), already=already
    )
