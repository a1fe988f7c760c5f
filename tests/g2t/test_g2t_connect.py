"""Connecting the bot to GoTo Training: `training-day g2t connect` (prompting or scripted),
`training-day g2t status`, and the HTTP callback GoTo redirects the admin to."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

import app
from bot.g2t import sign_in
from bot.g2t import tokens as g2t_tokens
from bot.g2t.callback import CALLBACK_PATH
from bot.standin.g2t import g2t_settings
from db.session import Database
from tests.g2t_steps import REDIRECT, g2t


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


def test_connect_with_a_code_needs_no_prompt_and_status_says_as_whom(g2t_cli, capsys):
    code = g2t_cli.authorize(REDIRECT)
    assert app.main(["g2t", "connect", "--code", code, "--redirect-uri", REDIRECT]) == 0
    assert "Connected to GoTo Training as Tess Lead <training@example.com>" in capsys.readouterr().out
    assert app.main(["g2t", "status"]) == 0
    out = capsys.readouterr().out
    assert "GoTo Training: connected" in out and "Tess Lead <training@example.com>" in out
    assert "token renewal works" in out


def test_connect_prints_the_authorization_url_and_takes_the_pasted_address(g2t_cli, capsys, monkeypatch):
    code = g2t_cli.authorize(REDIRECT)
    monkeypatch.setattr("builtins.input", lambda prompt: f"{REDIRECT}?code={code}&state=x")
    assert app.main(["g2t", "connect", "--redirect-uri", REDIRECT]) == 0
    out = capsys.readouterr().out
    assert f"{g2t_cli.url}/oauth/authorize?client_id=standin-g2t-client&response_type=code" in out
    assert "Connected to GoTo Training" in out


def test_a_bad_code_and_missing_settings_are_plain_refusals(g2t_cli, capsys, monkeypatch):
    assert app.main(["g2t", "connect", "--code", "nope", "--redirect-uri", REDIRECT]) == 1
    assert "GoTo refused the authorization code" in capsys.readouterr().out
    assert app.main(["g2t", "status"]) == 1
    assert "not connected" in capsys.readouterr().out
    monkeypatch.delenv("G2T_TOKEN_KEY")
    assert app.main(["g2t", "connect", "--code", "x", "--redirect-uri", REDIRECT]) == 2
    assert "needs G2T_TOKEN_KEY" in capsys.readouterr().out


@pytest.mark.http
def test_the_callback_connects_when_goto_redirects_the_admin_back(g2t_world):
    callback = g2t_world.url + CALLBACK_PATH
    url = sign_in.start(g2t_world.ctx, callback, "cli").url
    with urllib.request.urlopen(url, timeout=5) as response:  # follows the 302 to the callback
        page = response.read().decode()
    assert "connected to GoTo Training as Tess Lead" in page
    assert g2t_tokens.client_for(g2t_world.ctx) is not None


@pytest.mark.http
def test_the_callback_refuses_a_code_it_did_not_ask_for(g2t_world):
    standin = g2t(g2t_world)
    callback = g2t_world.url + CALLBACK_PATH
    code = standin.authorize(callback)
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{callback}?{urlencode({'code': code, 'state': '123.forged'})}", timeout=5)
    assert caught.value.code == 400 and "g2t connect" in caught.value.read().decode()
    assert g2t_tokens.client_for(g2t_world.ctx) is None


def test_the_token_key_rotates_without_downtime(g2t_cli, capsys, monkeypatch):
    from cryptography.fernet import Fernet

    old = g2t_settings(g2t_cli)["g2t_token_key"]
    new = Fernet.generate_key().decode()
    code = g2t_cli.authorize(REDIRECT)
    assert app.main(["g2t", "connect", "--code", code, "--redirect-uri", REDIRECT]) == 0
    capsys.readouterr()
    # 1. The new key first, the old one after: what is stored still opens, new values use the new key.
    monkeypatch.setenv("G2T_TOKEN_KEY", f"{new},{old}")
    assert app.main(["g2t", "status"]) == 0
    assert "token renewal works" in capsys.readouterr().out
    # 2. Everything stored is sealed again with the new key (audited) ...
    assert app.main(["g2t", "rekey"]) == 0
    assert "Sealed 3 stored value(s)" in capsys.readouterr().out
    # 3. ... so the old key can go.
    monkeypatch.setenv("G2T_TOKEN_KEY", new)
    assert app.main(["g2t", "status"]) == 0
    out = capsys.readouterr().out
    assert "GoTo Training: connected" in out and "token renewal works" in out
    # Without the key the tokens were sealed with, rekey says so and changes nothing.
    monkeypatch.setenv("G2T_TOKEN_KEY", Fernet.generate_key().decode())
    assert app.main(["g2t", "rekey"]) == 1
    assert "opens with none of G2T_TOKEN_KEY's keys" in capsys.readouterr().out
    monkeypatch.setenv("G2T_TOKEN_KEY", new)
    assert app.main(["g2t", "status"]) == 0
    monkeypatch.setenv("G2T_TOKEN_KEY", "not-a-key")
    assert app.main(["g2t", "rekey"]) == 1
    assert "comma list" in capsys.readouterr().out
