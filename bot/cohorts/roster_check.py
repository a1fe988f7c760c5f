"""Every roster row checked by the rules a cohort file's agents meet (bot/cohorts/spec.py), and
then some a file cannot know: the N-Number guard and the NPN's format, a real and active member
of the workspace, one active class per agent, an identity that agrees with the record, and an
email for GoTo Training when the bot registers the class's agents there.

Three passes, so the slow ones run only on what the fast ones let through: the rows as typed
(pure), Slack's directory (network, outside any unit of work), the records (inside one)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cohorts.roster import Roster
from bot.cohorts.service import moved_to_production
from bot.cohorts.spec import EMAIL, SLACK_USER_ID, AgentSpec
from bot.config.playbook import Playbook
from bot.config.settings import Settings
from bot.core import people
from bot.core.errors import DomainError
from bot.core.identity_fields import n_number_problem, normalize_n_number, npn_problem
from bot.core.text import NAME, shorten
from bot.slack import directory
from db.models import Cohort, G2TConnection, Person, Role

MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(\|[^>]*)?>$")


@dataclass
class Row:
    """One roster row on its way through the checks; `problems` empty means it may be enrolled."""

    number: int
    user: str  # the Slack user cell as typed
    name: str
    n_number: str
    npn: str
    email: str | None
    slack_id: str | None = None
    by_email: bool = False
    slack_email: str | None = None
    problems: list[str] = field(default_factory=list)
    already: bool = False  # in this class already: nothing to change

    @property
    def who(self) -> str:
        """How the preview names the row: the name, else what the Slack user cell says."""
        return shorten(self.name or self.user or "(empty row)", NAME)

    def as_spec(self) -> AgentSpec:
        return AgentSpec(
            slack_id=self.slack_id or "",
            name=self.name,
            n_number=self.n_number,
            npn=self.npn,
            email=self.email,
        )


def read(roster: Roster, playbook: Playbook) -> list[Row]:
    """The first pass: each row as typed. Problems are phrased for the person who typed them."""
    rows: list[Row] = []
    seen_users: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for raw in roster.rows:
        cells = raw.cells
        row = Row(
            number=raw.number,
            user=cells["slack"],
            name=" ".join(cells["name"].split()),
            n_number=normalize_n_number(cells["n_number"]),
            npn=cells["npn"].strip(),
            email=cells["email"].strip().lower() or None,
        )
        rows.append(row)
        if raw.problem:
            row.problems.append(raw.problem)
            continue
        _user_cell(row)
        if len(row.name) > NAME:
            row.problems.append(f"the name is {len(row.name)} characters; the limit is {NAME}")
        elif "<" in row.name or ">" in row.name:
            row.problems.append("the name may not contain < or >")
        problem = n_number_problem(playbook, row.n_number)
        if problem:
            row.problems.append(_plain(problem))
        elif row.n_number in seen_numbers:
            row.problems.append(f"N-Number {row.n_number} is also on row {seen_numbers[row.n_number]}")
        else:
            seen_numbers[row.n_number] = row.number
        problem = npn_problem(playbook, row.npn)
        if problem:
            row.problems.append(_plain(problem))
        if row.email and not EMAIL.match(row.email):
            row.problems.append(f"`{row.email[:80]}` is not an email address")
        key = row.slack_id or (row.email if row.by_email else None)
        if key and key in seen_users:
            row.problems.append(f"the same person is on row {seen_users[key]}")
        elif key:
            seen_users[key] = row.number
    return rows


def _user_cell(row: Row) -> None:
    cell = row.user.strip()
    mention = MENTION.match(cell)
    if mention:
        row.slack_id = mention.group(1)
    elif SLACK_USER_ID.match(cell.upper()) and cell == cell.upper():
        row.slack_id = cell
    elif EMAIL.match(cell):
        row.by_email = True
        if row.email and row.email != cell.lower():
            row.problems.append("the Slack user's email and the email column differ")
        row.email = row.email or cell.lower()
    elif not cell:
        row.problems.append("the Slack user is empty: give their member ID (like U0AG0001) or email")
    elif cell.startswith("@"):
        row.problems.append(
            f"`{cell[:40]}` is a display name, which Slack cannot look up: give their member ID "
            "(profile > ⋮ > Copy member ID) or their email"
        )
    else:
        row.problems.append(f"`{cell[:40]}` is not a Slack member ID (like U0AG0001) or an email")


def look_up(client: WebClient, rows: list[Row]) -> None:
    """The second pass: each row still without problems is a real, active person in the workspace.
    Slack not answering stops the whole check (nothing is half-checked), with that said."""
    for row in rows:
        if row.problems:
            continue
        try:
            if row.by_email:
                member = directory.member_by_email(client, row.email or "")
            else:
                member = directory.member(client, row.slack_id or "")
        except (SlackApiError, SlackClientError, OSError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            raise DomainError(
                f"I could not check row {row.number} with Slack just now (`{reason}`); nothing was saved. "
                "Please try again in a minute."
            ) from None
        if member is None:
            where = (
                f"nobody in this workspace has the email {row.email}"
                if row.by_email
                else (f"Slack does not know the member ID {row.slack_id}")
            )
            row.problems.append(where)
            continue
        if member.deleted:
            row.problems.append("their Slack account is deactivated: only active members can be enrolled")
            continue
        if not member.human:
            row.problems.append("that is a bot or an app, not a person")
            continue
        row.slack_id = member.user_id
        row.slack_email = member.email
        if not row.name:
            row.name = shorten(member.name, NAME)
    _same_person_twice(rows)


def _same_person_twice(rows: list[Row]) -> None:
    """An ID on one row and the same person's email on another are found once Slack has answered."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.problems or not row.slack_id:
            continue
        if row.slack_id in seen:
            row.problems.append(f"the same person is on row {seen[row.slack_id]}")
        else:
            seen[row.slack_id] = row.number


def against_records(
    session: Session,
    settings: Settings,
    rows: list[Row],
    cohort: Cohort | None,
    *,
    managed: bool,
    may_read: Callable[[Person], bool],
) -> None:
    """The third pass, in the unit of work: what the records say about each row. `cohort` is the
    class the rows join (None for a class still to be created); `managed`: the bot registers the
    agents in GoTo Training (no hand-made link), which needs each one's email; `may_read`: whether
    the policy lets the importer read that person's record (else a disagreeing N-Number or NPN is
    named without the value on record)."""
    needs_email = managed and goto_on(session, settings)
    for row in rows:
        if row.problems:
            continue
        try:
            row.as_spec()
        except ValidationError as exc:
            row.problems += [e["msg"].removeprefix("Value error, ") for e in exc.errors()]
            continue
        person = people.by_slack_id(session, row.slack_id or "")
        holder = session.scalar(select(Person).where(Person.n_number == row.n_number))
        if holder is not None and holder.slack_user_id != row.slack_id:
            row.problems.append(f"N-Number {row.n_number} already belongs to {holder.name}")
        if person is not None:
            _known(session, row, person, cohort, may_read(person))
        if (
            needs_email
            and not row.problems
            and not (row.email or row.slack_email or (person and person.email))
        ):
            row.problems.append(
                "no email: GoTo Training registers each agent by email, and their Slack profile shows none; "
                "add it in the email column"
            )


def _known(session: Session, row: Row, person: Person, cohort: Cohort | None, readable: bool) -> None:
    if person.role != Role.AGENT:
        row.problems.append(f"{person.name} is set up as {people.ROLE_NAMES[person.role]}, not an agent")
        return
    for key, given, label in (("n_number", row.n_number, "N-Number"), ("npn", row.npn, "NPN")):
        stored = getattr(person, key)
        if stored is not None and stored != given:
            row.problems.append(
                f"{label} {stored} is on record for {person.name}, the row says {given} "
                "(`/cohort identity` corrects it, recorded)"
                if readable
                else f"the {label} is not the one on record for {person.name}: check it with the agent "
                "(an admin corrects the record with `/cohort identity`)"
            )
    current = people.enrollment_of(session, person.id)
    if current is None:
        moved = moved_to_production(session, person.id)
        if moved is not None and (cohort is None or moved.cohort_id != cohort.id):
            row.problems.append(
                f"{person.name} moved to production (from {moved.cohort.name}), so they are no longer in "
                f"training: to bring them back on purpose, type /cohort add @{person.name} N-Number NPN "
                "reopen in the class's channel (it is recorded)"
            )
        return
    if cohort is not None and current.cohort_id == cohort.id:
        row.already = not row.problems
        return
    row.problems.append(
        f"{person.name} is active in {current.cohort.name}: an agent is in one class at a time "
        "(`/cohort transfer` in this class's channel moves them)"
    )


def goto_on(session: Session, settings: Settings) -> bool:
    """GoTo Training is set up and connected: the bot registers managed classes' agents there."""
    configured = bool(settings.g2t_client_id and settings.g2t_client_secret and settings.g2t_token_key)
    return configured and session.scalar(select(G2TConnection.id).limit(1)) is not None


def _plain(problem: str) -> str:
    """An identity guard's sentence as a row's reason: without its leading warning sign."""
    return problem.removeprefix(":warning: ").strip()
