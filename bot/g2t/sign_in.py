"""A sign-in to GoTo that `training-day g2t connect` starts, and the callback GoTo sends back.

The `state` on GoTo's redirect is a random nonce the bot stored when the admin started the
sign-in, with who started it. The callback claims it with one conditional update (not used
yet, younger than 30 minutes): whoever claims it first is the only one to use it, so a replayed
or copied callback address changes nothing and says so. A callback that signs in as another
organizer than the one connected changes nothing either: the answer waits, sealed, on the
state's row until the admin confirms the switch in the command that started the sign-in.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from bot.core import audit
from bot.core.context import AppContext
from bot.g2t import tokens
from bot.g2t.oauth import TokenAnswer, authorize_url
from db.models import G2TOAuthState
from db.models.g2t_oauth_state import AWAITING_CONFIRMATION, CONNECTED, FAILED, KEPT, REPLACED
from db.session import rows_matched

log = logging.getLogger(__name__)

STATE_TTL = timedelta(minutes=30)
# secrets.token_urlsafe(32): 43 characters of [A-Za-z0-9_-]. Anything else is not one of ours,
# and is refused before it is looked up.
_NONCE = re.compile(r"[A-Za-z0-9_-]{32,64}")


@dataclass(frozen=True)
class SignIn:
    nonce: str
    url: str


def start(ctx: AppContext, redirect_uri: str, started_by: str) -> SignIn:
    """A new sign-in for `started_by` (the admin): the address to open at GoTo."""
    settings = ctx.settings
    tokens.require_settings(settings)
    nonce = secrets.token_urlsafe(32)
    with ctx.db.session() as session:
        session.add(
            G2TOAuthState(
                nonce=nonce, started_by=started_by, redirect_uri=redirect_uri, created_at=ctx.clock.now()
            )
        )
    url = authorize_url(settings.g2t_auth_url, settings.g2t_client_id or "", redirect_uri, nonce)
    return SignIn(nonce, url)


def well_formed(state: str) -> bool:
    return bool(_NONCE.fullmatch(state))


@dataclass(frozen=True)
class Claim:
    nonce: str
    started_by: str
    redirect_uri: str


def claim(ctx: AppContext, state: str) -> Claim | None:
    """The sign-in this state names, marked used; None when it is unknown, used or too old.
    One conditional update decides, so of two racing callbacks exactly one gets it."""
    if not well_formed(state):
        return None
    now = ctx.clock.now()
    with ctx.db.session() as session:
        claimed = rows_matched(
            session.execute(
                update(G2TOAuthState)
                .where(
                    G2TOAuthState.nonce == state,
                    G2TOAuthState.used_at.is_(None),
                    G2TOAuthState.created_at >= now - STATE_TTL,
                )
                .values(used_at=now)
            )
        )
        row = session.scalar(select(G2TOAuthState).where(G2TOAuthState.nonce == state))
        if row is None:
            return None
        if not claimed:
            # A real state used again (or late): worth a line in the audit, never a change.
            audit.record(
                session,
                actor=row.started_by,
                action="g2t.sign_in_refused",
                entity="g2t_oauth_state",
                entity_id=row.id,
                at=now,
                details={"reason": "already used" if row.used_at is not None else "expired"},
            )
            log.warning("refused a GoTo callback whose sign-in was already used or expired")
            return None
        return Claim(row.nonce, row.started_by, row.redirect_uri)


def finish(ctx: AppContext, claimed: Claim, answer: TokenAnswer) -> tokens.Connected:
    """The callback's token answer: kept, or (another organizer) parked for the admin's yes."""
    result = tokens.store(ctx, answer, actor=claimed.started_by, replace=False)
    now = ctx.clock.now()
    with ctx.db.session() as session:
        row = session.scalar(select(G2TOAuthState).where(G2TOAuthState.nonce == claimed.nonce))
        assert row is not None
        if result.changed:
            row.outcome = CONNECTED
            return result
        row.outcome = AWAITING_CONFIRMATION
        row.pending_enc = tokens.seal_answer(ctx.settings, answer)
        row.pending_account = result.account.describe()[:600]
        audit.record(
            session,
            actor=claimed.started_by,
            action="g2t.replacement_requested",
            entity="g2t_oauth_state",
            entity_id=row.id,
            at=now,
            details={
                "offered": result.account.describe(),
                "connected": result.current.describe() if result.current else None,
            },
        )
    return result


def failed(ctx: AppContext, claimed: Claim) -> None:
    with ctx.db.session() as session:
        session.execute(
            update(G2TOAuthState).where(G2TOAuthState.nonce == claimed.nonce).values(outcome=FAILED)
        )


@dataclass(frozen=True)
class Progress:
    """What became of a sign-in, as the command that started it sees it."""

    used: bool
    outcome: str | None
    offered: str | None  # who the parked answer signs in as


def progress(ctx: AppContext, nonce: str) -> Progress:
    with ctx.db.session() as session:
        row = session.scalar(select(G2TOAuthState).where(G2TOAuthState.nonce == nonce))
    if row is None:
        return Progress(False, None, None)
    return Progress(row.used_at is not None, row.outcome, row.pending_account)


def decide(ctx: AppContext, nonce: str, *, actor: str, replace: bool) -> tokens.Connected | None:
    """The admin's answer to a parked replacement, once: the switch (audited), or the
    connection kept as it was. None when there is nothing (left) to decide."""
    now = ctx.clock.now()
    with ctx.db.session() as session:
        claimed = rows_matched(
            session.execute(
                update(G2TOAuthState)
                .where(
                    G2TOAuthState.nonce == nonce,
                    G2TOAuthState.outcome == AWAITING_CONFIRMATION,
                    G2TOAuthState.created_at >= now - STATE_TTL,
                )
                .values(outcome=REPLACED if replace else KEPT)
            )
        )
        row = session.scalar(select(G2TOAuthState).where(G2TOAuthState.nonce == nonce))
        sealed = row.pending_enc if row is not None else None
        if row is not None:
            row.pending_enc = None  # decided either way: the other account's tokens go
        if claimed and row is not None and not replace:
            audit.record(
                session,
                actor=actor,
                action="g2t.replacement_declined",
                entity="g2t_oauth_state",
                entity_id=row.id,
                at=now,
                details={"offered": row.pending_account},
            )
    if not claimed or sealed is None or not replace:
        return None
    answer = tokens.unseal_answer(ctx.settings, sealed)
    if answer is None:
        return None
    return tokens.store(ctx, answer, actor=actor, replace=True)
