"""The pictures handed out: a class's funnel, attendance map and the pass rates of the reader's
last classes (the Home's Pictures button), and each morning the funnel and attendance maps of
the classes in a manager's morning report. Only classes the policy lets the person read.

The records are read in one unit of work; drawing and uploading happen after it, outside any
transaction. Each morning's pictures go to a person once: a claim on (day, person) is written
before the upload and released if Slack refuses it, so a rerun sends what is missing only."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.access import policy
from bot.access import targets as access
from bot.access.policy import Action
from bot.cohorts import service as cohorts
from bot.core import event_dedup
from bot.core.context import AppContext
from bot.core.errors import Conflict, DomainError
from bot.core.text import escape_line
from bot.core.timefmt import local
from bot.core.unit_of_work import Caller, Work, use_case
from bot.pictures import facts, render, views
from bot.pictures.types import AttendanceMap, Funnel, PassRates, Picture
from bot.slack import files
from db.models import Cohort, ProcessedEvent

log = logging.getLogger(__name__)

# The pass rates look back over this many classes (the newest that have begun).
LAST_CLASSES = 6
# A morning's attendance maps at most: the funnel still has every class.
MAX_MORNING_MAPS = 10


@dataclass(frozen=True)
class PictureViews:
    funnel: Funnel
    maps: list[AttendanceMap]
    rates: PassRates | None = None
    stamp: str = ""  # the reader's date, for the file names
    press: str = ""  # the Home press these answer (its claim), if any


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "class"


def pictures_of(found: PictureViews) -> list[Picture]:
    """Each view drawn as a PNG, with its alt text."""
    stamp = f"-{found.stamp}" if found.stamp else ""
    drawn = [
        Picture(
            f"funnel{stamp}.png",
            render.funnel_png(found.funnel),
            "Class funnel",
            render.funnel_alt(found.funnel),
        )
    ]
    for one in found.maps:
        drawn.append(
            Picture(
                f"attendance-{_slug(one.class_name)}{stamp}.png",
                render.attendance_png(one),
                f"Attendance: {one.class_name}"[:200],
                render.attendance_alt(one),
            )
        )
    if found.rates is not None:
        drawn.append(
            Picture(
                f"pass-rates{stamp}.png",
                render.pass_rates_png(found.rates),
                "First-attempt pass rates",
                render.pass_rates_alt(found.rates),
            )
        )
    return drawn


def _readable(work: Work, classes: list[Cohort]) -> list[Cohort]:
    actor = work.actor
    grants = work.playbook.access.grants
    return [
        c
        for c in classes
        if policy.allowed(
            actor.role, Action.PICTURES_READ, policy.relation(actor, access.cohort_target(c)), grants
        )
    ]


def _views(
    work: Work, classes: list[Cohort], rates_over: list[Cohort] | None, *, most_maps: int | None = None
) -> PictureViews:
    session, playbook = work.session, work.playbook
    labels = facts.code_labels(playbook)
    funnel = views.funnel(facts.class_stages(session, playbook, c, work.now) for c in classes)
    maps = []
    for cohort in classes[:most_maps]:
        days, agents = facts.class_attendance(session, playbook, cohort)
        maps.append(views.attendance_map(cohort.name, days, agents, labels))
    rates = (
        views.pass_rates(facts.exam_outcomes(session, playbook, rates_over))
        if rates_over is not None
        else None
    )
    stamp = local(work.now, classes[0].timezone).strftime("%Y-%m-%d") if classes else ""
    return PictureViews(funnel, maps, rates, stamp)


# -- a class's pictures, from its Home panel -------------------------------------------------------
# A second press within this long (a double click, an impatient retry) sends nothing again.
PRESS_WINDOW = timedelta(seconds=60)
ON_THEIR_WAY = "The pictures of {name} are already on their way to our DM."


@use_case
def class_views(work: Work, channel_id: str) -> PictureViews:
    """The class of this channel, if the caller may see its pictures, and the pass rates over the
    last classes they may read. Claims the press, so a double click sends the pictures once."""
    _actor, cohort = cohorts.class_here(work, Action.PICTURES_READ, channel_id)
    if not _claim_press(work, press_key(cohort.id, work.caller.user_id)):
        raise Conflict(ON_THEIR_WAY.format(name=escape_line(cohort.name)))
    today = local(work.now, cohort.timezone).date()
    begun = [c for c in cohorts.all_cohorts(work.session) if c.start_date <= today]
    last = _readable(work, begun)[-LAST_CLASSES:]
    found = _views(work, [cohort], last)
    return PictureViews(
        found.funnel, found.maps, found.rates, found.stamp, press_key(cohort.id, work.caller.user_id)
    )


def press_key(cohort_id: int, user_id: str) -> str:
    return f"pictures-home:{cohort_id}:{user_id}"


def _claim_press(work: Work, key: str) -> bool:
    row = work.session.get(ProcessedEvent, key, with_for_update=True)
    if row is None:
        return event_dedup.claim(work.session, key, work.now)
    if work.now - row.processed_at < PRESS_WINDOW:
        return False
    row.processed_at = work.now
    return True


@dataclass(frozen=True)
class Sent:
    class_name: str
    pictures: int


def send_class_pictures(ctx: AppContext, caller: Caller, channel_id: str) -> Sent:
    found = class_views(ctx, caller, channel_id)
    name = found.maps[0].class_name if found.maps else ""
    try:
        drawn = pictures_of(found)
        _upload(
            ctx,
            caller.user_id,
            drawn,
            f"Pictures of {escape_line(name)}: its funnel, its attendance map and pass rates.",
        )
    except Exception:
        _release(ctx, Caller.system(), found.press)  # pressing again tries again at once
        raise
    return Sent(name, len(drawn))


def _upload(ctx: AppContext, user_id: str, drawn: list[Picture], comment: str) -> None:
    try:
        files.send_files_to_dm(
            ctx.client,
            user_id,
            [files.Outgoing(p.filename, p.png, p.title, p.alt_text) for p in drawn],
            comment=comment[:3000],
        )
    except (SlackApiError, SlackClientError, OSError) as exc:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("could not hand pictures to %s: %s", user_id, reason)
        raise DomainError(
            f"Slack did not take the pictures (`{reason}`). Please try again in a minute."
        ) from None


# -- the morning's pictures -------------------------------------------------------------------------
@dataclass(frozen=True)
class MorningRecipient:
    person_id: int
    slack_user_id: str
    cohort_ids: list[int]


def morning_key(day: date, person_id: int) -> str:
    return f"pictures:{day.isoformat()}:{person_id}"


@use_case
def _claim(work: Work, key: str) -> bool:
    return event_dedup.claim(work.session, key, work.now)


@use_case
def _release(work: Work, key: str) -> None:
    event_dedup.release(work.session, key)


@use_case
def morning_views(work: Work, cohort_ids: list[int]) -> PictureViews | None:
    """The funnel and attendance maps of these classes that the caller may read; None for none."""
    classes = [c for c in (work.session.get(Cohort, i) for i in cohort_ids) if c is not None]
    readable = _readable(work, classes)
    if not readable:
        return None
    return _views(work, readable, None, most_maps=MAX_MORNING_MAPS)


def send_morning(ctx: AppContext, day: date, recipients: list[MorningRecipient]) -> list[str]:
    """Each recipient's morning pictures, once per day; whom they went to now (Slack IDs)."""
    sent = []
    for target in recipients:
        key = morning_key(day, target.person_id)
        caller = Caller(target.slack_user_id)
        try:
            found = morning_views(ctx, caller, target.cohort_ids)
        except DomainError as exc:
            log.info("no morning pictures for %s: %s", target.slack_user_id, exc.message)
            continue
        if found is None or not _claim(ctx, Caller.system(), key):
            continue
        more = len(target.cohort_ids) - len(found.maps)
        note = f" {more} more class(es) are in the funnel only." if more > 0 else ""
        try:
            _upload(
                ctx,
                target.slack_user_id,
                pictures_of(found),
                f"This morning's pictures: the funnel and attendance of your {len(found.maps)} class(es).{note}",
            )
        except Exception as exc:  # noqa: BLE001 - one person's pictures must not cost the others theirs
            if not isinstance(exc, DomainError):
                log.exception("could not draw the morning pictures for %s", target.slack_user_id)
            _release(ctx, Caller.system(), key)  # the next run tries again
            continue
        sent.append(target.slack_user_id)
    return sent
