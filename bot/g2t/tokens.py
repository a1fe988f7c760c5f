"""The GoTo Training connection: the tokens at rest (Fernet-encrypted), their renewal, and the
client the other G2T services use.

GoTo's access tokens last 60 minutes; one is renewed a few minutes before it expires (or at once
after a 401). A refresh token is consumed by use, so the one GoTo answers with replaces it in the
same unit of work. Renewals in one process are serialised by a lock; a second process that lost
the race finds the newer tokens in the table and uses those.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.settings import Settings
from bot.core import audit
from bot.core.context import AppContext
from bot.g2t.client import PER_SECOND, G2TClient, RateLimiter
from bot.g2t.errors import G2TError, NotConnected
from bot.g2t.oauth import OAuthClient, TokenAnswer
from db.models import G2TConnection, G2TOAuthState

log = logging.getLogger(__name__)

RENEW_MARGIN = timedelta(minutes=5)
NOT_CONNECTED = "GoTo Training is not connected: an admin runs `training-day g2t connect`."

_renew_lock = threading.Lock()
# One limiter per process: every client shares GoTo's 10 requests a second.
_limiter = RateLimiter(PER_SECOND)


def configured(settings: Settings) -> bool:
    return bool(settings.g2t_client_id and settings.g2t_client_secret and settings.g2t_token_key)


def missing_settings(settings: Settings) -> list[str]:
    wanted = {
        "G2T_CLIENT_ID": settings.g2t_client_id,
        "G2T_CLIENT_SECRET": settings.g2t_client_secret,
        "G2T_TOKEN_KEY": settings.g2t_token_key,
    }
    return [name for name, value in wanted.items() if not value]


def token_keys(settings: Settings) -> list[str]:
    """G2T_TOKEN_KEY: one Fernet key, or a comma list while rotating (the first seals, any opens)."""
    return [key.strip() for key in (settings.g2t_token_key or "").split(",") if key.strip()]


def _fernet(settings: Settings) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in token_keys(settings)] or [Fernet(b"")])
    except ValueError as exc:
        raise NotConnected(
            "G2T_TOKEN_KEY is not a Fernet key, or a comma list of them (each 32 url-safe "
            "base64-encoded bytes); make one with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
        ) from exc


def rekey(ctx: AppContext) -> int:
    """Seal every stored GoTo secret with G2T_TOKEN_KEY's first key (a rotation's last step before
    the old key leaves the list). How many values were sealed again."""
    fernet = _fernet(ctx.settings)
    sealed = 0
    with ctx.db.session() as session:
        try:
            for row in session.scalars(select(G2TConnection).with_for_update()):
                for column in ("organizer_key_enc", "refresh_token_enc", "access_token_enc"):
                    value = getattr(row, column)
                    if value:
                        setattr(row, column, fernet.rotate(value.encode()).decode())
                        sealed += 1
            for state in session.scalars(
                select(G2TOAuthState).where(G2TOAuthState.pending_enc.is_not(None)).with_for_update()
            ):
                assert state.pending_enc is not None
                state.pending_enc = fernet.rotate(state.pending_enc.encode()).decode()
                sealed += 1
        except InvalidToken as exc:
            raise NotConnected(
                "A stored GoTo secret opens with none of G2T_TOKEN_KEY's keys: put the old key back "
                "in the list (after the new one) and run this again. Nothing was changed."
            ) from exc
        audit.record(
            session,
            actor="cli",
            action="g2t.rekeyed",
            entity="g2t_connection",
            entity_id="all",
            at=ctx.clock.now(),
            details={"values": sealed, "keys": len(token_keys(ctx.settings))},
        )
    log.info("GoTo secrets sealed again with the first G2T_TOKEN_KEY: %d value(s)", sealed)
    return sealed


def _oauth(settings: Settings) -> OAuthClient:
    return OAuthClient(settings.g2t_auth_url, settings.g2t_client_id or "", settings.g2t_client_secret or "")


# -- the row -----------------------------------------------------------------------------------
def _row(session: Session) -> G2TConnection | None:
    return session.scalar(select(G2TConnection).order_by(G2TConnection.id.desc()))


def is_connected(session: Session) -> bool:
    return _row(session) is not None


@dataclass(frozen=True)
class Connection:
    organizer_key: str
    refresh_token: str
    access_token: str | None
    access_expires_at: datetime | None
    account_email: str | None
    account_name: str | None
    renewed_at: datetime | None
    last_error: str | None


def _read(session: Session, fernet: MultiFernet) -> Connection | None:
    row = _row(session)
    if row is None:
        return None
    try:
        return Connection(
            organizer_key=fernet.decrypt(row.organizer_key_enc.encode()).decode(),
            refresh_token=fernet.decrypt(row.refresh_token_enc.encode()).decode(),
            access_token=fernet.decrypt(row.access_token_enc.encode()).decode()
            if row.access_token_enc
            else None,
            access_expires_at=row.access_expires_at,
            account_email=row.account_email,
            account_name=row.account_name,
            renewed_at=row.renewed_at,
            last_error=row.last_error,
        )
    except InvalidToken as exc:
        raise NotConnected(
            "The stored GoTo tokens do not decrypt with G2T_TOKEN_KEY (the key changed?): "
            "run `training-day g2t connect` again."
        ) from exc


def _save(session: Session, fernet: MultiFernet, answer: TokenAnswer, now: datetime, *, fresh: bool) -> None:
    """Store a token answer: a new connection (`fresh`, after the code exchange) or a renewal."""
    row = _row(session)
    if fresh or row is None:
        if answer.organizer_key is None or answer.refresh_token is None:
            raise G2TError("GoTo's token answer lacks the organizer key or the refresh token")
        if row is not None:
            session.delete(row)
            session.flush()
        row = G2TConnection(
            organizer_key_enc=_seal(fernet, answer.organizer_key),
            refresh_token_enc=_seal(fernet, answer.refresh_token),
            connected_at=now,
            account_email=answer.email,
            account_name=answer.name,
        )
        session.add(row)
    else:
        if answer.refresh_token:  # rotated: the old one is spent
            row.refresh_token_enc = _seal(fernet, answer.refresh_token)
        if answer.organizer_key:
            row.organizer_key_enc = _seal(fernet, answer.organizer_key)
        row.renewed_at = now
    row.access_token_enc = _seal(fernet, answer.access_token)
    row.access_expires_at = now + timedelta(seconds=answer.expires_in)
    row.last_error = None
    session.flush()


def _seal(fernet: MultiFernet, value: str) -> str:
    return fernet.encrypt(value.encode()).decode()


def _note_error(session: Session, message: str) -> None:
    row = _row(session)
    if row is not None:
        row.last_error = message[:500]
        session.flush()


# -- connecting: what the CLI and the callback call ----------------------------------------
@dataclass(frozen=True)
class Account:
    """A GoTo organizer as people are shown it: never the key itself, only its last digits."""

    name: str | None
    email: str | None
    key_tail: str

    def describe(self) -> str:
        return (
            f"{self.name or 'unknown name'} <{self.email or 'no email given'}> (organizer …{self.key_tail})"
        )


CONNECTED = "connected"  # nothing was connected before
RECONNECTED = "reconnected"  # the same organizer again: fresh tokens
REPLACED = "replaced"  # another organizer, explicitly confirmed
NEEDS_CONFIRMATION = "needs_confirmation"  # another organizer: nothing changed yet


@dataclass(frozen=True)
class Connected:
    outcome: str
    account: Account  # the organizer the bot acts as now (or, unconfirmed, the one offered)
    current: Account | None = None  # the one connected before, when another was offered

    @property
    def changed(self) -> bool:
        return self.outcome != NEEDS_CONFIRMATION


def account_of(answer: TokenAnswer) -> Account:
    return Account(answer.name, answer.email, _tail(answer.organizer_key))


def _tail(key: str | None) -> str:
    return (key or "")[-4:] or "?"


def exchange(ctx: AppContext, code: str, redirect_uri: str) -> TokenAnswer:
    """Exchange an authorization code (GoTo spends it). Raises G2TError."""
    require_settings(ctx.settings)
    _fernet(ctx.settings)  # a bad G2T_TOKEN_KEY is said before GoTo spends the code
    answer = _oauth(ctx.settings).exchange_code(code, redirect_uri)
    if answer.organizer_key is None or answer.refresh_token is None:
        raise G2TError("GoTo's token answer lacks the organizer key or the refresh token")
    return answer


def store(ctx: AppContext, answer: TokenAnswer, *, actor: str, replace: bool) -> Connected:
    """Keep the connection GoTo answered with. Another organizer than the connected one replaces
    it only when `replace` is given (the admin confirmed); otherwise nothing changes and the
    answer says who is connected and who was offered. Every change is audited."""
    fernet = _fernet(ctx.settings)
    offered = account_of(answer)
    now = ctx.clock.now()
    with ctx.db.session() as session:
        row = session.scalar(select(G2TConnection).order_by(G2TConnection.id.desc()).with_for_update())
        current = _account_of_row(row, fernet) if row is not None else None
        if row is None:
            outcome = CONNECTED
        elif current is not None and _organizer_of(row, fernet) == answer.organizer_key:
            outcome = RECONNECTED
        elif replace:
            outcome = REPLACED
        else:
            return Connected(NEEDS_CONFIRMATION, offered, current)
        _save(session, fernet, answer, now, fresh=True)
        saved = _row(session)
        assert saved is not None
        details: dict[str, object] = {"account": _plain(offered)}
        if current is not None and outcome == REPLACED:
            details["before"] = _plain(current)
        audit.record(
            session,
            actor=actor,
            action="g2t.connection_replaced" if outcome == REPLACED else f"g2t.{outcome}",
            entity="g2t_connection",
            entity_id=saved.id,
            at=now,
            details=details,
        )
    log.info("GoTo Training %s as %s by %s", outcome, offered.describe(), actor)
    return Connected(outcome, offered, current if outcome == REPLACED else None)


def connect(
    ctx: AppContext, code: str, redirect_uri: str, *, actor: str = "cli", replace: bool = False
) -> Connected:
    """Exchange an authorization code and keep the connection (see `store`). Raises G2TError."""
    return store(ctx, exchange(ctx, code, redirect_uri), actor=actor, replace=replace)


def current_account(ctx: AppContext) -> Account | None:
    """Who the bot is connected as, shown without the key (also when the key changed)."""
    fernet = _fernet(ctx.settings)
    with ctx.db.session() as session:
        row = _row(session)
        return _account_of_row(row, fernet) if row is not None else None


def _organizer_of(row: G2TConnection, fernet: MultiFernet) -> str | None:
    try:
        return fernet.decrypt(row.organizer_key_enc.encode()).decode()
    except InvalidToken:
        return None  # sealed with another key: no longer usable, and not provably the same organizer


def _account_of_row(row: G2TConnection, fernet: MultiFernet) -> Account:
    return Account(row.account_name, row.account_email, _tail(_organizer_of(row, fernet)))


def _plain(account: Account) -> dict[str, str | None]:
    return {"name": account.name, "email": account.email, "organizer_key_ends": account.key_tail}


def seal_answer(settings: Settings, answer: TokenAnswer) -> str:
    """A token answer kept until an admin confirms it, sealed like the stored tokens."""
    return _seal(_fernet(settings), json.dumps(dataclasses.asdict(answer)))


def unseal_answer(settings: Settings, sealed: str) -> TokenAnswer | None:
    try:
        return TokenAnswer(**json.loads(_fernet(settings).decrypt(sealed.encode())))
    except (InvalidToken, ValueError, TypeError):
        return None


def current(ctx: AppContext) -> Connection | None:
    if not configured(ctx.settings):
        return None
    fernet = _fernet(ctx.settings)
    with ctx.db.session() as session:
        return _read(session, fernet)


def require_settings(settings: Settings) -> None:
    missing = missing_settings(settings)
    if missing:
        raise NotConnected(f"GoTo Training needs {', '.join(missing)} in the settings.")


# -- the token source --------------------------------------------------------------------------
class StoredTokens:
    """The client's TokenSource, backed by the g2t_connections row."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx
        self._fernet = _fernet(ctx.settings)
        self._organizer_key: str | None = None

    def _load(self) -> Connection:
        with self._ctx.db.session() as session:
            connection = _read(session, self._fernet)
        if connection is None:
            raise NotConnected(NOT_CONNECTED)
        self._organizer_key = connection.organizer_key
        return connection

    @property
    def organizer_key(self) -> str:
        return self._organizer_key or self._load().organizer_key

    def access_token(self) -> str:
        connection = self._load()
        now = self._ctx.clock.now()
        expires = connection.access_expires_at
        if connection.access_token and expires is not None and now < expires - RENEW_MARGIN:
            return connection.access_token
        return self.renew(spent=connection.access_token)

    def renew(self, spent: str | None = None) -> str:
        with _renew_lock:
            connection = self._load()
            if spent is not None and connection.access_token not in (None, spent):
                return connection.access_token  # another thread renewed meanwhile
            try:
                answer = _oauth(self._ctx.settings).refresh(connection.refresh_token)
            except G2TError as exc:
                if not exc.retryable:
                    newer = self._load()
                    if newer.refresh_token != connection.refresh_token and newer.access_token:
                        return newer.access_token  # another process renewed with the old one
                    with self._ctx.db.session() as session:
                        _note_error(session, exc.message)
                    raise NotConnected(
                        f"GoTo refused to renew the connection ({exc.message}): an admin runs "
                        "`training-day g2t connect` again.",
                        status=exc.status,
                    ) from exc
                raise
            with self._ctx.db.session() as session:
                _save(session, self._fernet, answer, self._ctx.clock.now(), fresh=False)
            self._organizer_key = answer.organizer_key or connection.organizer_key
            log.info("GoTo access token renewed")
            return answer.access_token


def client_for(ctx: AppContext) -> G2TClient | None:
    """A client when GoTo Training is configured and connected; None means 'work as before'."""
    if not configured(ctx.settings):
        return None
    with ctx.db.session() as session:
        if not is_connected(session):
            return None
    try:
        tokens = StoredTokens(ctx)
    except NotConnected as exc:  # a G2T_TOKEN_KEY that is not a Fernet key: say so, work as before
        log.error("GoTo Training is off: %s", exc.message)
        return None
    return G2TClient(
        tokens,
        base_url=ctx.settings.g2t_api_url,
        backoff_seconds=ctx.settings.g2t_retry_backoff_seconds,
        limiter=_limiter,
    )


@dataclass(frozen=True)
class Status:
    connected: bool
    lines: list[str]


def status(ctx: AppContext) -> Status:
    """Connected? As whom? Does renewal work? (It renews once to find out.)"""
    missing = missing_settings(ctx.settings)
    if missing:
        return Status(False, [f"not configured: set {', '.join(missing)}"])
    try:
        connection = current(ctx)
    except NotConnected as exc:  # G2T_TOKEN_KEY changed, or is not a Fernet key at all
        return Status(False, [exc.message])
    if connection is None:
        return Status(False, ["not connected: run `training-day g2t connect`"])
    who = connection.account_name or "unknown name"
    lines = [
        f"connected as {who} <{connection.account_email or 'no email given'}>",
        f"organizer key ends in …{_tail(connection.organizer_key)}",
    ]
    try:
        StoredTokens(ctx).renew()
    except G2TError as exc:
        return Status(False, [*lines, f"token renewal FAILED: {exc.message}"])
    renewed = current(ctx)
    assert renewed is not None and renewed.access_expires_at is not None
    lines.append(
        f"token renewal works (access token valid until {renewed.access_expires_at:%Y-%m-%d %H:%M} UTC)"
    )
    return Status(True, lines)
