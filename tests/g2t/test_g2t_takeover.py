"""Taking over the GoTo connection, as an insider would try: replaying the callback with another
account's code, signing in as another organizer over the connected one, odd states, secrets in
the log, and `g2t status` after G2T_TOKEN_KEY changed."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

import app
from bot.bootstrap import build_context
from bot.config.settings import Settings
from bot.core import people
from bot.core.context import AppContext
from bot.g2t import sign_in
from bot.g2t import tokens as g2t_tokens
from bot.g2t.callback import CALLBACK_PATH, routes
from bot.standin.g2t import ORGANIZER_KEY, OTHER_ORGANIZER_KEY, G2TStandIn, g2t_settings
from db.models import AuditEntry, G2TConnection, G2TOAuthState, Role
from db.session import Database
from tests.g2t_steps import REDIRECT, agents_with_email, g2t, import_linkless

ADMIN = "U0ADM001"


def _callback(ctx: AppContext, query: dict[str, str] | str) -> tuple[int, str]:
    """GET /g2t/oauth/callback?... as the bot's HTTP face answers it."""
    answered: dict[str, Any] = {}
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": CALLBACK_PATH,
        "QUERY_STRING": query if isinstance(query, str) else urlencode(query),
    }
    body = b"".join(routes(ctx)[CALLBACK_PATH](environ, lambda status, headers: answered.update(s=status)))
    return int(answered["s"][:3]), body.decode()


def _connection(ctx: AppContext) -> tuple[str, str | None, int]:
    """(organizer key, account email, rows) of what the bot is connected to."""
    current = g2t_tokens.current(ctx)
    assert current is not None
    with ctx.db.session() as session:
        rows = len(session.scalars(select(G2TConnection)).all())
    return current.organizer_key, current.account_email, rows


def _audit(ctx: AppContext, prefix: str = "g2t.") -> list[tuple[str, str, dict[str, Any]]]:
    with ctx.db.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like(f"{prefix}%")).order_by(AuditEntry.id)
        )
        return [(e.action, e.actor, e.details) for e in entries]


def _state_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["state"][0]


def test_a_replayed_callback_with_another_accounts_code_changes_nothing_and_says_so(g2t_world):
    ctx, standin = g2t_world.ctx, g2t(g2t_world)
    started = sign_in.start(ctx, REDIRECT, ADMIN)
    state = _state_of(started.url)
    status, page = _callback(ctx, {"code": standin.authorize(REDIRECT), "state": state})
    assert status == 200 and "connected to GoTo Training as Tess Lead" in page
    exchanges = len(standin.calls("token"))

    # The same state again, now with a code for an account someone else controls.
    status, page = _callback(ctx, {"code": standin.authorize(REDIRECT, other_account=True), "state": state})

    assert status == 400 and "already used" in page and "Nothing changed" in page
    assert _connection(ctx) == (ORGANIZER_KEY, "training@example.com", 1)
    assert len(standin.calls("token")) == exchanges  # the other code was never even exchanged
    assert [a for a, _, _ in _audit(ctx)] == ["g2t.connected", "g2t.sign_in_refused"]
    assert _audit(ctx)[0][1] == ADMIN  # the connection names the admin who started the sign-in


def test_two_racing_callbacks_with_one_state_connect_once(g2t_world):
    ctx, standin = g2t_world.ctx, g2t(g2t_world)
    state = _state_of(sign_in.start(ctx, REDIRECT, ADMIN).url)
    claims = [sign_in.claim(ctx, state), sign_in.claim(ctx, state)]
    assert [c is not None for c in claims] == [True, False]
    assert g2t_tokens.current(ctx) is None and standin.calls("token") == []


def test_another_organizer_over_the_connection_waits_for_the_admins_yes(g2t_world):
    ctx, standin = g2t_world.ctx, g2t(g2t_world)
    g2t_tokens.connect(ctx, standin.authorize(REDIRECT), REDIRECT, actor=ADMIN)
    started = sign_in.start(ctx, REDIRECT, ADMIN)

    status, page = _callback(
        ctx, {"code": standin.authorize(REDIRECT, other_account=True), "state": _state_of(started.url)}
    )

    assert status == 202 and "Not switched yet" in page and "Eve Else" in page and "Tess Lead" in page
    assert _connection(ctx) == (ORGANIZER_KEY, "training@example.com", 1)
    with ctx.db.session() as session:
        parked = session.scalar(select(G2TOAuthState).where(G2TOAuthState.nonce == started.nonce))
        assert parked is not None and parked.pending_enc is not None
        assert OTHER_ORGANIZER_KEY not in parked.pending_enc  # sealed, like the stored tokens
    assert _audit(ctx)[-1][0] == "g2t.replacement_requested"

    # The admin says yes in the command that started the sign-in: switched once, audited.
    switched = sign_in.decide(ctx, started.nonce, actor=ADMIN, replace=True)
    assert switched is not None and switched.outcome == g2t_tokens.REPLACED
    assert _connection(ctx) == (OTHER_ORGANIZER_KEY, "eve@evil.example", 1)
    action, actor, details = _audit(ctx)[-1]
    assert (action, actor) == ("g2t.connection_replaced", ADMIN)
    assert details["before"]["email"] == "training@example.com"
    assert details["account"]["email"] == "eve@evil.example"
    assert OTHER_ORGANIZER_KEY not in str(details) and ORGANIZER_KEY not in str(details)
    # Deciding again, or replaying the callback, changes nothing.
    assert sign_in.decide(ctx, started.nonce, actor=ADMIN, replace=True) is None
    status, _ = _callback(ctx, {"code": standin.authorize(REDIRECT), "state": _state_of(started.url)})
    assert status == 400 and _connection(ctx)[0] == OTHER_ORGANIZER_KEY
    with ctx.db.session() as session:
        assert session.scalars(select(G2TOAuthState.pending_enc)).all() == [None]


def test_saying_no_keeps_the_connection_and_forgets_the_other_accounts_tokens(g2t_world):
    ctx, standin = g2t_world.ctx, g2t(g2t_world)
    g2t_tokens.connect(ctx, standin.authorize(REDIRECT), REDIRECT, actor=ADMIN)
    started = sign_in.start(ctx, REDIRECT, ADMIN)
    _callback(ctx, {"code": standin.authorize(REDIRECT, other_account=True), "state": _state_of(started.url)})

    assert sign_in.decide(ctx, started.nonce, actor=ADMIN, replace=False) is None

    assert _connection(ctx) == (ORGANIZER_KEY, "training@example.com", 1)
    assert _audit(ctx)[-1][0] == "g2t.replacement_declined"
    with ctx.db.session() as session:
        assert session.scalars(select(G2TOAuthState.pending_enc)).all() == [None]


def test_the_same_organizer_again_just_renews_the_connection(g2t_world):
    ctx, standin = g2t_world.ctx, g2t(g2t_world)
    g2t_tokens.connect(ctx, standin.authorize(REDIRECT), REDIRECT)
    state = _state_of(sign_in.start(ctx, REDIRECT, ADMIN).url)
    status, page = _callback(ctx, {"code": standin.authorize(REDIRECT), "state": state})
    assert status == 200 and "Tess Lead" in page
    assert _connection(ctx) == (ORGANIZER_KEY, "training@example.com", 1)
    assert [a for a, _, _ in _audit(ctx)] == ["g2t.connected", "g2t.reconnected"]


@pytest.mark.parametrize(
    "query",
    [
        "code=abc&state=%C3%BC%C3%BC%C3%BC",  # non-ASCII
        "code=abc&state=" + "a" * 300,
        "code=abc&state=123.forged",
        "code=%C3%BC&state=" + "b" * 43,
        "code=abc",
        "state=" + "c" * 43,
        "error=" + "x" * 5000,
    ],
    ids=[
        "non-ascii-state",
        "long-state",
        "old-format",
        "non-ascii-code",
        "no-state",
        "no-code",
        "long-error",
    ],
)
def test_odd_callbacks_are_a_plain_400_and_write_nothing(g2t_world, query, caplog):
    caplog.set_level(logging.INFO)
    status, page = _callback(g2t_world.ctx, query)
    assert status == 400 and "<p>" in page and len(page) < 1000
    assert g2t_tokens.current(g2t_world.ctx) is None and _audit(g2t_world.ctx) == []
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.http
def test_the_callback_over_http_refuses_a_non_ascii_state_with_400(g2t_world):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{g2t_world.url}{CALLBACK_PATH}?code=abc&state=%C3%BC", timeout=5)
    assert caught.value.code == 400


def test_no_token_nor_the_organizer_key_reaches_the_log(g2t_world, caplog):
    caplog.set_level(logging.DEBUG)
    ctx, standin = g2t_world.ctx, g2t(g2t_world)
    state = _state_of(sign_in.start(ctx, REDIRECT, ADMIN).url)
    code = standin.authorize(REDIRECT)
    _callback(ctx, {"code": code, "state": state})
    import_linkless(g2t_world, agents=agents_with_email())
    standin.expire_tokens()
    g2t_world.run_job("bot.g2t.jobs:sync")  # a renewal, with a rotated refresh token
    assert standin.calls("register")

    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "HTTP Request" in logged  # httpx's request lines are there, masked
    secrets = [ORGANIZER_KEY, code, state, *standin.access_tokens, *standin.refresh_tokens]
    assert [s for s in secrets if s in logged] == []


# -- the command line ----------------------------------------------------------------------------
@pytest.fixture
def g2t_cli(database_url, g2t_standin, monkeypatch):
    g2t_standin.reset()
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name, value in g2t_settings(g2t_standin).items():
        monkeypatch.setenv(name.upper(), str(value))
    monkeypatch.delenv("G2T_REDIRECT_URI", raising=False)
    db = Database(database_url)
    yield g2t_standin
    db.delete_all_rows()
    db.dispose()


def _cli_ctx() -> AppContext:
    return build_context(Settings())


def _inputs(*answers: str | Callable[[], str]) -> Callable[[str], str]:
    queue = list(answers)

    def answer(prompt: str) -> str:
        given = queue.pop(0)
        return given() if callable(given) else given

    return answer


def test_a_scripted_code_for_another_organizer_needs_replace(g2t_cli: G2TStandIn, capsys):
    assert (
        app.main(["g2t", "connect", "--code", g2t_cli.authorize(REDIRECT), "--redirect-uri", REDIRECT]) == 0
    )
    other = g2t_cli.authorize(REDIRECT, other_account=True)
    assert app.main(["g2t", "connect", "--code", other, "--redirect-uri", REDIRECT]) == 1
    out = capsys.readouterr().out
    assert "connected as Tess Lead" in out and "Eve Else" in out and "Nothing changed" in out
    assert "--replace" in out
    ctx = _cli_ctx()
    assert _connection(ctx)[0] == ORGANIZER_KEY

    again = g2t_cli.authorize(REDIRECT, other_account=True)
    assert app.main(["g2t", "connect", "--code", again, "--redirect-uri", REDIRECT, "--replace"]) == 0
    assert "Switched the connection to Eve Else" in capsys.readouterr().out
    assert _connection(ctx)[0] == OTHER_ORGANIZER_KEY
    assert [a for a, _, _ in _audit(ctx)] == ["g2t.connected", "g2t.connection_replaced"]


def test_the_admin_confirms_a_switch_the_callback_parked_in_the_command_they_started(
    g2t_cli: G2TStandIn, capsys, monkeypatch
):
    ctx = _cli_ctx()
    g2t_tokens.connect(ctx, g2t_cli.authorize(REDIRECT), REDIRECT)
    with ctx.db.session() as session:
        people.upsert(
            session, slack_user_id=ADMIN, name="Alex Admin", role=Role.ADMIN, actor="cli", now=ctx.clock.now()
        )

    def goto_sends_the_browser_back() -> str:
        # While the command waits, the browser lands on the callback signed in as another organizer.
        with ctx.db.session() as session:
            nonce = session.scalars(select(G2TOAuthState.nonce)).one()
        _callback(ctx, {"code": g2t_cli.authorize(REDIRECT, other_account=True), "state": nonce})
        return ""

    monkeypatch.setattr("builtins.input", _inputs(goto_sends_the_browser_back, "replace"))
    assert app.main(["g2t", "connect", "--redirect-uri", REDIRECT, "--admin", ADMIN]) == 0
    out = capsys.readouterr().out
    assert "GoTo signed you in as Eve Else" in out and "connected as Tess Lead" in out
    assert "Switched the connection to Eve Else" in out
    assert _connection(ctx)[0] == OTHER_ORGANIZER_KEY
    assert _audit(ctx)[-1][:2] == ("g2t.connection_replaced", ADMIN)


def test_connect_refuses_an_admin_id_that_is_no_admin(g2t_cli: G2TStandIn, capsys):
    assert app.main(["g2t", "connect", "--redirect-uri", REDIRECT, "--admin", "U0NOBODY"]) == 2
    assert "not an admin" in capsys.readouterr().out


def test_status_after_a_key_change_is_a_clear_message_not_a_traceback(
    g2t_cli: G2TStandIn, capsys, monkeypatch
):
    assert (
        app.main(["g2t", "connect", "--code", g2t_cli.authorize(REDIRECT), "--redirect-uri", REDIRECT]) == 0
    )
    capsys.readouterr()
    monkeypatch.setenv("G2T_TOKEN_KEY", Fernet.generate_key().decode())
    assert app.main(["g2t", "status"]) == 1
    out = capsys.readouterr().out
    assert "NOT working" in out and "do not decrypt with G2T_TOKEN_KEY" in out
    assert "Traceback" not in out
    monkeypatch.setenv("G2T_TOKEN_KEY", "not-a-fernet-key")
    assert app.main(["g2t", "status"]) == 1
    assert "is not a Fernet key" in capsys.readouterr().out
