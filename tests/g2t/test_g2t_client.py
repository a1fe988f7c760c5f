"""The G2T client and the connection, against the GoTo Training stand-in: the OAuth exchange,
tokens encrypted at rest, renewal (rotating refresh tokens), and the faults GoTo can answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.g2t import tokens as g2t_tokens
from bot.g2t.client import G2TClient, RateLimiter
from bot.g2t.errors import AlreadyRegistered, G2TError, NotConnected
from db.models import G2TConnection
from tests.g2t_steps import REDIRECT, connect, g2t

TIMES = [(datetime(2026, 12, 1, 14, tzinfo=UTC), datetime(2026, 12, 1, 23, tzinfo=UTC))]


def _client(world) -> G2TClient:
    client = g2t_tokens.client_for(world.ctx)
    assert client is not None
    return client


def test_without_a_connection_there_is_no_client(g2t_world):
    assert g2t_tokens.client_for(g2t_world.ctx) is None
    status = g2t_tokens.status(g2t_world.ctx)
    assert not status.connected and "training-day g2t connect" in status.lines[0]


def test_connect_stores_the_tokens_encrypted_and_keeps_the_organizer_key(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    with g2t_world.ctx.db.session() as session:
        row = session.query(G2TConnection).one()
        stored = [row.organizer_key_enc, row.refresh_token_enc, row.access_token_enc]
    assert standin.refresh_tokens and not any(t in s for t in standin.refresh_tokens for s in stored)
    assert all("8439885694023999999" not in s for s in stored)
    connection = g2t_tokens.current(g2t_world.ctx)
    assert connection is not None and connection.organizer_key == "8439885694023999999"
    assert connection.account_email == "training@example.com"


def test_a_code_for_another_redirect_uri_is_refused_in_plain_words(g2t_world):
    code = g2t(g2t_world).authorize(REDIRECT)
    with pytest.raises(G2TError, match="GoTo refused the authorization code"):
        g2t_tokens.connect(g2t_world.ctx, code, "https://elsewhere.example.com/cb")


def test_the_token_is_renewed_before_it_expires_and_the_rotated_refresh_token_kept(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    client = _client(g2t_world)
    client.create_training(name="A", description="", timezone="America/Chicago", times=TIMES)
    assert len(standin.calls("token")) == 1  # the code exchange only
    first_refresh = set(standin.refresh_tokens)
    g2t_world.clock.advance(timedelta(minutes=56))  # inside the renewal margin
    client.trainings()
    assert [c.body["grant_type"] for c in standin.calls("token")] == ["authorization_code", "refresh_token"]
    assert standin.refresh_tokens.isdisjoint(first_refresh)  # the old one is spent
    g2t_world.clock.advance(timedelta(hours=3))
    client.trainings()  # renews again with the rotated refresh token
    assert [c.status for c in standin.calls("token")] == [200, 200, 200]


def test_a_401_renews_the_token_and_tries_once_more(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    client = _client(g2t_world)
    standin.expire_tokens()
    key = client.create_training(name="A", description="", timezone="America/Chicago", times=TIMES)
    assert key in standin.trainings
    assert [c.status for c in standin.calls("create_training")] == [401, 201]
    standin.fail("trainings", 401, times=5)
    with pytest.raises(G2TError) as caught:
        client.trainings()
    assert caught.value.status == 401
    assert len(standin.calls("trainings")) == 2  # once more, not forever


def test_a_429_waits_what_retry_after_says(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    waits: list[float] = []
    tokens = g2t_tokens.StoredTokens(g2t_world.ctx)
    client = G2TClient(
        tokens, base_url=standin.api_url, sleep=waits.append, limiter=RateLimiter(1000, sleep=lambda s: None)
    )
    standin.fail("trainings", 429, retry_after=7)
    assert client.trainings() == []
    assert waits == [7.0]


def test_timeouts_and_5xx_are_retried_with_backoff_then_become_one_error(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    waits: list[float] = []
    tokens = g2t_tokens.StoredTokens(g2t_world.ctx)
    client = G2TClient(
        tokens,
        base_url=standin.api_url,
        sleep=waits.append,
        backoff_seconds=0.5,
        limiter=RateLimiter(1000, sleep=lambda s: None),
    )
    standin.fail("trainings", 502, times=2)
    assert client.trainings() == []
    assert waits == [0.5, 1.0]
    standin.down()
    with pytest.raises(G2TError) as caught:
        client.trainings()
    assert caught.value.retryable and "unavailable" in caught.value.message
    standin.up()
    dead = G2TClient(tokens, base_url="http://127.0.0.1:9", sleep=lambda s: None, retries=1)
    with pytest.raises(G2TError, match="did not answer"):
        dead.trainings()


def test_a_duplicate_registration_is_a_409_and_register_once_adopts_it(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    client = _client(g2t_world)
    key = client.create_training(name="A", description="", timezone="America/Chicago", times=TIMES)
    first = client.register(key, email="ana@example.com", given_name="Ana", surname="Ruiz")
    with pytest.raises(AlreadyRegistered):
        client.register(key, email="ANA@example.com", given_name="Ana", surname="Ruiz")
    again = client.register_once(key, email="ana@example.com", given_name="Ana", surname="Ruiz")
    assert again.registrant_key == first.registrant_key and again.join_url == first.join_url
    assert len(standin.active_registrants(key)) == 1
    assert client.cancel_registration(key, first.registrant_key) is True
    assert client.cancel_registration(key, first.registrant_key) is False  # 404: gone already
    assert standin.active_registrants(key) == {}


def test_the_limiter_spaces_calls_under_ten_a_second():
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    limiter = RateLimiter(9, monotonic=lambda: clock[0], sleep=sleep)
    for _ in range(19):
        limiter.wait()
    assert clock[0] >= 2.0 - 1e-9  # 19 calls need 18 gaps of 1/9 s
    assert len(slept) == 18


def test_a_refused_refresh_token_says_connect_again(g2t_world):
    connect(g2t_world)
    standin = g2t(g2t_world)
    standin.refresh_tokens.clear()
    standin.expire_tokens()
    g2t_world.clock.advance(timedelta(hours=2))
    with pytest.raises(NotConnected, match="g2t connect"):
        _client(g2t_world).trainings()
    status = g2t_tokens.status(g2t_world.ctx)
    assert not status.connected and "renewal FAILED" in status.lines[-1]
