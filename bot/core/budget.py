"""The notification budget: the one place that decides how a message reaches a person.

Every message to a person is written through `enqueue`, which routes it by its kind and the
person's choices (their Home's notification settings, else the playbook's defaults):

- urgent kinds (a red flag, a help request, ESP-complete to the PM, a late link) go at once,
  whatever the hour;
- kinds that fold become one line of the person's digest: one message per person and moment
  (after each break, at day end), posted at its moment and updated in place while it is open;
- anything else goes at once, except in the person's quiet hours, when it waits for their end.

A digest is an outbox row of kind "digest" keyed by person and moment, so two replicas share one
message; a line is keyed by the event's own key, so the same event twice is one line. A message
already sent can be shown again in a new state (`revise`): a card that changes, not a new DM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config.notifications import parse_hhmm
from bot.config.playbook import Playbook
from bot.core import outbox
from bot.core.text import escape_line
from bot.core.timefmt import reader_zone
from db.models import Cohort, DigestLine, Notification, NotificationPreference, Person, Role

DIGEST = "digest"
IMMEDIATE = "immediate"
# Header, the note for lines that did not fit, and room to spare within Slack's 50 blocks.
MESSAGE_BLOCKS = 50
RESERVED_BLOCKS = 3
DIGEST_TITLE = ":newspaper: *Your digest for"
# The divider between two lines: what tells a line from the next one.
LINE_SEPARATOR = "digest.line."


@dataclass(frozen=True)
class Choices:
    """What applies to one person: their own choices over the playbook's defaults."""

    timezone: str  # the person's own: quiet hours
    class_timezone: str  # the class they lead or manage: the moments follow its breaks
    digest_kinds: frozenset[str]
    urgent_kinds: frozenset[str]
    moments: tuple[time, ...]
    quiet: tuple[time, time] | None
    open_for: timedelta
    modes: dict[str, str]
    day_end: time | None = None
    day_end_open_for: timedelta = timedelta(0)

    def folds(self, kind: str) -> bool:
        if kind in self.urgent_kinds:
            return False
        mode = self.modes.get(kind)
        return mode == DIGEST if mode else kind in self.digest_kinds


def default_moments(playbook: Playbook, role: Role | None = None) -> tuple[time, ...]:
    """The playbook's moments, else after each break of the day (or only after lunch, for the
    roles whose rhythm says so) and at its end."""
    if playbook.notifications.moments:
        return tuple(parse_hhmm(m) for m in playbook.notifications.moments)
    day = playbook.day
    lunch_only = role is not None and playbook.notifications.rhythm.get(role) == "after_lunch_and_day_end"
    ends = []
    for spec in day.breaks:
        if lunch_only and not spec.lunch:
            continue
        minutes = spec.start.hour * 60 + spec.start.minute + spec.minutes
        ends.append(time(minutes // 60, minutes % 60))
    return tuple(sorted({*ends, day.day_end}))


def choices_for(session: Session, playbook: Playbook, recipient: str) -> Choices:
    policy = playbook.notifications
    person = session.scalar(select(Person).where(Person.slack_user_id == recipient))
    pref = preference(session, recipient)
    class_zone = reader_zone(_class_zone(session, person), policy.default_timezone)
    zone = reader_zone(person.timezone if person is not None else None, class_zone)
    moments = default_moments(playbook, person.role if person is not None else None)
    quiet: tuple[time, time] | None = None
    modes: dict[str, str] = {}
    if pref is not None:
        if pref.moments:
            moments = tuple(sorted({parse_hhmm(m) for m in pref.moments}))
        if pref.quiet_start and pref.quiet_end and pref.quiet_start != pref.quiet_end:
            quiet = (parse_hhmm(pref.quiet_start), parse_hhmm(pref.quiet_end))
        modes = dict(pref.modes or {})
    return Choices(
        timezone=zone,
        class_timezone=class_zone,
        digest_kinds=frozenset(policy.digest_kinds),
        urgent_kinds=frozenset(policy.urgent_kinds),
        moments=moments,
        quiet=quiet,
        open_for=timedelta(minutes=policy.open_minutes),
        modes=modes,
        day_end=playbook.day.day_end,
        day_end_open_for=timedelta(minutes=policy.day_end_open_minutes),
    )


def _class_zone(session: Session, person: Person | None) -> str | None:
    """The timezone of the latest class the person leads or manages."""
    if person is None:
        return None
    return session.scalar(
        select(Cohort.timezone)
        .where((Cohort.tl_id == person.id) | (Cohort.pm_id == person.id))
        .order_by(Cohort.start_date.desc(), Cohort.id.desc())
        .limit(1)
    )


def preference(session: Session, slack_user_id: str) -> NotificationPreference | None:
    return session.scalar(
        select(NotificationPreference).where(NotificationPreference.slack_user_id == slack_user_id)
    )


def save_preference(
    session: Session,
    slack_user_id: str,
    *,
    modes: dict[str, str],
    moments: list[str] | None,
    quiet: tuple[str, str] | None,
    now: datetime,
) -> NotificationPreference:
    """Keep a person's choices (validated by the caller): per kind, the moments, quiet hours."""
    pref = preference(session, slack_user_id)
    if pref is None:
        pref = NotificationPreference(slack_user_id=slack_user_id, modes={}, updated_at=now)
        session.add(pref)
    pref.modes = {k: v for k, v in modes.items() if v in (DIGEST, IMMEDIATE)}
    pref.moments = sorted(set(moments)) if moments else None
    pref.quiet_start, pref.quiet_end = quiet if quiet else (None, None)
    pref.updated_at = now
    session.flush()
    return pref


# -- when ------------------------------------------------------------------------------------------
def _in_quiet(local: time, quiet: tuple[time, time]) -> bool:
    start, end = quiet
    return start <= local < end if start < end else local >= start or local < end


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _moments_around(choices: Choices, now: datetime) -> list[datetime]:
    """The person's digest moments (on the class's clock) from yesterday to two days on, in UTC;
    none inside their quiet hours (on their own clock), whose end is a moment of its own."""
    zone, own = ZoneInfo(choices.class_timezone), ZoneInfo(choices.timezone)
    today = now.astimezone(zone).date()
    found: set[datetime] = set()
    for offset in range(-1, 3):
        day = today + timedelta(days=offset)
        for moment in choices.moments:
            at = _at(day, moment, zone)
            if choices.quiet is None or not _in_quiet(at.astimezone(own).time(), choices.quiet):
                found.add(at)
        if choices.quiet is not None:
            found.add(_at(day, choices.quiet[1], own))
    return sorted(found)


def quiet_until(choices: Choices, now: datetime) -> datetime | None:
    """The end of the person's quiet hours when `now` falls inside them."""
    if choices.quiet is None:
        return None
    zone = ZoneInfo(choices.timezone)
    local = now.astimezone(zone)
    if not _in_quiet(local.time(), choices.quiet):
        return None
    end = _at(local.date(), choices.quiet[1], zone)
    return end if end > now else _at(local.date() + timedelta(days=1), choices.quiet[1], zone)


def digest_moment(choices: Choices, now: datetime) -> datetime:
    """The moment whose digest takes a line written now: the one still open, else the next."""
    moments = _moments_around(choices, now)
    zone = ZoneInfo(choices.class_timezone)

    def open_for(moment: datetime) -> timedelta:
        at_day_end = choices.day_end is not None and moment.astimezone(zone).time() == choices.day_end
        return choices.day_end_open_for if at_day_end else choices.open_for

    open_ones = [m for m in moments if m <= now < m + open_for(m)]
    if open_ones and quiet_until(choices, now) is None:
        return open_ones[-1]
    return next(m for m in moments if m > now)


def digest_key(recipient: str, moment: datetime) -> str:
    return f"digest:{recipient}:{moment.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M}"


# -- routing ---------------------------------------------------------------------------------------
def enqueue(
    session: Session,
    playbook: Playbook,
    *,
    key: str,
    kind: str,
    recipient: str,
    text: str,
    now: datetime,
    blocks: list[dict[str, Any]] | None = None,
    expires_at: datetime | None = None,
) -> str | None:
    """Write the message the way the budget says; the outbox key to deliver after the commit (the
    message's own, or its digest's), None when this message was already written."""
    due = None
    # A channel, not a person: class prompts and posts keep their own timing.
    if recipient.startswith(("U", "W")):
        choices = choices_for(session, playbook, recipient)
        if choices.folds(kind):
            return add_line(
                session, choices, key=key, kind=kind, recipient=recipient, text=text, blocks=blocks, now=now
            )
        due = None if kind in choices.urgent_kinds else quiet_until(choices, now)
    written = outbox.enqueue(
        session,
        key=key,
        kind=kind,
        recipient=recipient,
        text=text,
        blocks=blocks,
        now=now,
        expires_at=expires_at,
        due_at=due,
    )
    return key if written else None


def add_line(
    session: Session,
    choices: Choices,
    *,
    key: str,
    kind: str,
    recipient: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    now: datetime,
) -> str | None:
    if session.scalar(select(DigestLine.id).where(DigestLine.key == key)) is not None:
        return None
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return None  # sent on its own before the person chose the digest
    moment = digest_moment(choices, now)
    dkey = digest_key(recipient, moment)
    row = session.scalar(select(Notification).where(Notification.key == dkey))
    if row is None:
        row = Notification(
            key=dkey,
            kind=DIGEST,
            recipient=recipient,
            text="",
            blocks=None,
            status="pending" if moment <= now else "held",
            attempts=0,
            created_at=now,
            due_at=moment,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            # Another replica opened this digest at the same moment: take theirs.
            row = session.scalar(select(Notification).where(Notification.key == dkey))
            assert row is not None
    _lock(session, row)
    session.add(
        DigestLine(
            key=key, digest_key=dkey, kind=kind, text=text, blocks=blocks, created_at=now, updated_at=now
        )
    )
    session.flush()
    _render_into(session, row, choices.timezone)
    return dkey


def written(session: Session, key: str) -> bool:
    """A message was written under `key`, on its own or as a digest line."""
    if session.scalar(select(DigestLine.id).where(DigestLine.key == key)) is not None:
        return True
    return session.scalar(select(Notification.id).where(Notification.key == key)) is not None


def shown(session: Session, key: str) -> tuple[str, list[dict[str, Any]] | None] | None:
    """The text and blocks written under `key` (its digest line's, when it folded), None when none
    was: what a card that changes starts from when only part of it is rebuilt."""
    line = session.scalar(select(DigestLine).where(DigestLine.key == key))
    if line is not None:
        return line.text, line.blocks
    row = session.scalar(select(Notification).where(Notification.key == key))
    if row is None:
        return None
    return row.text, row.blocks


def keys_under(session: Session, prefix: str) -> list[str]:
    """The keys written that start with `prefix` (one event's messages to several people), on
    their own or as digest lines."""
    lines = session.scalars(select(DigestLine.key).where(DigestLine.key.startswith(prefix, autoescape=True)))
    rows = session.scalars(
        select(Notification.key).where(Notification.key.startswith(prefix, autoescape=True))
    )
    return sorted({*lines, *rows})


def revise(
    session: Session,
    playbook: Playbook,
    key: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    now: datetime,
) -> str | None:
    """Show the message (or digest line) written under `key` in its new state: the message Slack
    already has is updated in place, one not sent yet goes out as it is now. The outbox key to
    deliver after the commit, None when nothing was written under `key`."""
    line = session.scalar(select(DigestLine).where(DigestLine.key == key))
    if line is not None:
        line.text, line.blocks, line.updated_at = text, blocks, now
        session.flush()
        digest = session.scalar(select(Notification).where(Notification.key == line.digest_key))
        if digest is None:
            return None
        _lock(session, digest)
        _render_into(session, digest, choices_for(session, playbook, digest.recipient).timezone)
        return digest.key
    row = session.scalar(select(Notification).where(Notification.key == key))
    if row is None:
        return None
    row.text, row.blocks = text, blocks
    if row.status in ("sent", "updating"):
        row.status = "stale"
    session.flush()
    return key


def _lock(session: Session, digest: Notification) -> None:
    """One writer at a time per digest (replicas adding lines at once): each then renders every
    line the others committed, so the last render is never missing one."""
    session.execute(select(Notification.id).where(Notification.id == digest.id).with_for_update())
    session.refresh(digest)


# -- the digest's message --------------------------------------------------------------------------
def _render_into(session: Session, digest: Notification, zone: str) -> None:
    lines = list(
        session.scalars(select(DigestLine).where(DigestLine.digest_key == digest.key).order_by(DigestLine.id))
    )
    assert digest.due_at is not None
    digest.text, digest.blocks = render(lines, digest.due_at, zone)
    if digest.status in ("sent", "updating"):
        digest.status = "stale"


def render(lines: list[DigestLine], moment: datetime, zone: str) -> tuple[str, list[dict[str, Any]]]:
    """The lines stacked, each with the blocks (and buttons) it would have had alone, within
    Slack's 50 blocks: what does not fit is counted and pointed to."""
    when = moment.astimezone(ZoneInfo(zone)).strftime("%-I:%M %p")
    count = f"{len(lines)} update" + ("" if len(lines) == 1 else "s")
    header = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"{DIGEST_TITLE} {when}*: {count}"},
    }
    blocks: list[dict[str, Any]] = [header]
    seen_ids: set[str] = set()
    shown = 0
    for number, line in enumerate(lines, start=1):
        own = _line_blocks(line, number, seen_ids)
        if len(blocks) + len(own) + 1 > MESSAGE_BLOCKS - RESERVED_BLOCKS:
            break
        if shown:
            blocks.append({"type": "divider", "block_id": f"{LINE_SEPARATOR}{number}"})
        blocks.extend(own)
        shown += 1
    left = len(lines) - shown
    if left:
        blocks.append(
            {
                "type": "context",
                "block_id": f"{LINE_SEPARATOR}more",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"{left} more update{'s' if left != 1 else ''} did not fit here: the Home tab "
                        "shows what is open, and Notification settings there can send them to you one by one.",
                    }
                ],
            }
        )
    first = lines[0].text if lines else ""
    text = f"Your digest for {when}: {count}. {first}"
    return text, blocks


def _line_blocks(line: DigestLine, number: int, seen_ids: set[str]) -> list[dict[str, Any]]:
    if not line.blocks:
        return [{"type": "section", "text": {"type": "mrkdwn", "text": line.text or escape_line(line.kind)}}]
    own = []
    for block in line.blocks:
        block = dict(block)
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            # Block IDs must be unique in one message; two lines may carry the same one.
            if block_id in seen_ids:
                block["block_id"] = f"{block_id}.{number}"[:255]
            seen_ids.add(str(block["block_id"]))
        own.append(block)
    return own
