"""The ESP tracker handed to the person who asks, as an XLSX or CSV file in their DM: the Home's
"Download tracker" button and `/esp export csv|xlsx`. Only the classes the policy lets them read
(a TL or PM their own, ESP managers and admins every class); cells are formula-safe."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.access import policy
from bot.access import targets as access
from bot.access.policy import Action
from bot.cohorts import service as cohorts
from bot.core.context import AppContext
from bot.core.errors import DomainError, NotFound
from bot.core.timefmt import local
from bot.core.unit_of_work import Caller, Work, use_case
from bot.reports import tracker_export
from bot.slack import files

log = logging.getLogger(__name__)

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")


@dataclass(frozen=True)
class TrackerFile:
    filename: str
    content: bytes
    classes: list[str]
    agents: int


@dataclass(frozen=True)
class Sent:
    filename: str
    classes: int
    agents: int


def send_tracker(ctx: AppContext, caller: Caller, fmt: Format) -> Sent:
    """Build the file in one read, then hand it over outside any unit of work."""
    tracker = tracker_file(ctx, caller, fmt)
    try:
        files.send_to_dm(
            ctx.client,
            caller.user_id,
            filename=tracker.filename,
            content=tracker.content,
            title=f"ESP tracker ({len(tracker.classes)} class{'es' if len(tracker.classes) != 1 else ''})",
            comment=f"The ESP tracker: {tracker.agents} agent(s) in {', '.join(tracker.classes)}."[:3000],
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("could not hand the tracker to %s: %s", caller.user_id, reason)
        raise DomainError(
            f"Slack did not take the file (`{reason}`). Please try again in a minute."
        ) from None
    return Sent(filename=tracker.filename, classes=len(tracker.classes), agents=tracker.agents)


@use_case
def tracker_file(work: Work, fmt: Format) -> TrackerFile:
    actor = work.allow_ever(Action.ESP_CLASS_READ)
    grants = work.playbook.access.grants
    readable = [
        c
        for c in cohorts.all_cohorts(work.session)
        if policy.allowed(
            actor.role, Action.ESP_CLASS_READ, policy.relation(actor, access.cohort_target(c)), grants
        )
        and cohorts.tracked_enrollments(work.session, c.id)
    ]
    if not readable:
        raise NotFound("None of your classes has agents yet, so there is no tracker to download.")
    tables = [(c.name, tracker_export.rows(work.session, c.id, work.playbook)) for c in readable]
    agents = sum(len(t) - 1 for _, t in tables)
    stamp = local(work.now, readable[0].timezone).strftime("%Y-%m-%d")
    slug = (
        re.sub(r"[^a-z0-9]+", "-", readable[0].name.lower()).strip("-")[:40]
        if len(readable) == 1
        else "classes"
    )
    filename = f"esp-tracker-{slug or 'class'}-{stamp}.{fmt}"
    tracker_export.record_failed_exam_reads(
        work.session,
        [c.id for c in readable],
        reader=actor.slack_user_id,
        at=work.now,
        where=f"the ESP tracker export {filename}",
    )
    if fmt == "xlsx":
        content = tracker_export.xlsx_bytes(tables)
    else:
        header = ["Class", *tables[0][1][0]]
        merged = [header] + [[name, *row] for name, table in tables for row in table[1:]]
        content = tracker_export.csv_bytes(merged)
    return TrackerFile(filename=filename, content=content, classes=[c.name for c in readable], agents=agents)
