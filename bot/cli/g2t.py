"""`training-day g2t connect` (GoTo's authorization-code flow) and `training-day g2t status`."""

from __future__ import annotations

import argparse
from urllib.parse import parse_qs, urlsplit

from bot.config.settings import Settings


def add(sub: argparse._SubParsersAction) -> None:
    g2t = sub.add_parser("g2t", help="GoTo Training connection").add_subparsers(
        dest="g2t_command", required=True
    )
    connect = g2t.add_parser("connect", help="connect the bot to a GoTo Training organizer account")
    connect.add_argument("--code", help="the code GoTo put on the redirect (no prompt)")
    connect.add_argument(
        "--redirect-uri",
        help="the redirect URI registered with the GoTo OAuth client (default G2T_REDIRECT_URI)",
    )
    connect.set_defaults(handler=connect_account)
    g2t.add_parser("status", help="connected? as whom? does the token renewal work?").set_defaults(
        handler=status
    )


def connect_account(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.g2t import tokens as g2t_tokens
    from bot.g2t.errors import G2TError
    from db.migrate import upgrade

    missing = g2t_tokens.missing_settings(settings)
    if missing:
        print(f"training-day: GoTo Training needs {', '.join(missing)} in the settings.")
        return 2
    redirect_uri = args.redirect_uri or settings.g2t_redirect_uri
    if not redirect_uri:
        print(
            "training-day: give --redirect-uri (the one registered with your GoTo OAuth client) "
            "or set G2T_REDIRECT_URI."
        )
        return 2
    ctx = build_context(settings)
    upgrade(settings.database_url)
    code = args.code
    if not code:
        print("1. Open this address, sign in to GoTo as the training organizer and allow access:\n")
        print("   " + g2t_tokens.authorization_url(settings, redirect_uri, ctx.clock.now()) + "\n")
        print(f"2. GoTo sends you to {redirect_uri}?code=... (the page may show an error: that is fine).")
        print("   If the bot serves that address, it connects by itself; then just press Enter.")
        answer = input("   Otherwise paste the address (or only the code) here: ").strip()
        code = _code_from(answer)
        if not code:
            return status(args, settings)
    try:
        connection = g2t_tokens.connect(ctx, code, redirect_uri)
    except G2TError as exc:
        print(f"training-day: {exc.message}")
        return 1
    print(
        f"Connected to GoTo Training as {connection.account_name or '?'} <{connection.account_email or '?'}>."
    )
    return 0


def _code_from(answer: str) -> str | None:
    if not answer:
        return None
    if "code=" in answer:
        values = parse_qs(urlsplit(answer).query or answer.split("?", 1)[-1]).get("code")
        return values[0] if values else None
    return answer


def status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.g2t import tokens as g2t_tokens
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(settings.database_url)
    report = g2t_tokens.status(ctx)
    print("GoTo Training: " + ("connected" if report.connected else "NOT working"))
    for line in report.lines:
        print(f"  {line}")
    return 0 if report.connected else 1
