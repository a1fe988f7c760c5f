"""`training-day g2t connect` (GoTo's authorization-code flow) and `training-day g2t status`.

The sign-in this command starts is the only one its callback accepts, once; and the connection
switches to another GoTo organizer only when the admin says so here (or gives `--replace` with a
code), which is audited."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from bot.config.settings import Settings

if TYPE_CHECKING:
    from bot.core.context import AppContext
    from bot.g2t.tokens import Account, Connected

REPLACE_WORD = "replace"


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
    connect.add_argument(
        "--admin", metavar="USER_ID", help="your Slack user ID (an admin's), recorded as who connected"
    )
    connect.add_argument(
        "--replace",
        action="store_true",
        help="with --code: replace a connection to another GoTo organizer (audited)",
    )
    connect.set_defaults(handler=connect_account)
    g2t.add_parser("status", help="connected? as whom? does the token renewal work?").set_defaults(
        handler=status
    )
    g2t.add_parser(
        "rekey", help="seal the stored GoTo tokens with G2T_TOKEN_KEY's first key (key rotation)"
    ).set_defaults(handler=rekey)


def connect_account(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.core import people
    from bot.g2t import sign_in
    from bot.g2t import tokens as g2t_tokens
    from bot.g2t.errors import G2TError
    from db.migrate import upgrade
    from db.models import Role

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
    actor = "cli"
    if args.admin:
        with ctx.db.session() as session:
            admin = people.by_slack_id(session, args.admin)
        if admin is None or admin.role != Role.ADMIN:
            print(f"training-day: {args.admin} is not an admin the bot knows; nothing was started.")
            return 2
        actor = admin.slack_user_id
    try:
        if args.code:
            answer = g2t_tokens.exchange(ctx, args.code, redirect_uri)
            return _kept(g2t_tokens.store(ctx, answer, actor=actor, replace=args.replace), scripted=True)
        started = sign_in.start(ctx, redirect_uri, actor)
        print("1. Open this address, sign in to GoTo as the training organizer and allow access:\n")
        print("   " + started.url + "\n")
        print(f"2. GoTo sends you to {redirect_uri}?code=... (the page may show an error: that is fine).")
        print("   If the bot serves that address, it connects by itself; then just press Enter.")
        code = _code_from(input("   Otherwise paste the address (or only the code) here: ").strip())
        if not code:
            return _after_callback(ctx, started.nonce, actor, settings, args)
        # The pasted address spends this sign-in: its state cannot be used again.
        sign_in.claim(ctx, started.nonce)
        answer = g2t_tokens.exchange(ctx, code, redirect_uri)
        kept = g2t_tokens.store(ctx, answer, actor=actor, replace=False)
        if not kept.changed and _confirmed(kept.account.describe(), kept.current):
            kept = g2t_tokens.store(ctx, answer, actor=actor, replace=True)
        return _kept(kept, scripted=False)
    except G2TError as exc:
        print(f"training-day: {exc.message}")
        return 1


def _after_callback(
    ctx: AppContext, nonce: str, actor: str, settings: Settings, args: argparse.Namespace
) -> int:
    from bot.g2t import sign_in
    from bot.g2t import tokens as g2t_tokens
    from db.models.g2t_oauth_state import AWAITING_CONFIRMATION

    progress = sign_in.progress(ctx, nonce)
    if progress.outcome != AWAITING_CONFIRMATION:
        if not progress.used:
            print("GoTo has not sent you back to the bot yet; nothing changed.")
        return status(args, settings)
    connected = g2t_tokens.current_account(ctx)
    replace = _confirmed(progress.offered or "another account", connected)
    result = sign_in.decide(ctx, nonce, actor=actor, replace=replace)
    if result is None:
        if replace:
            print("training-day: that sign-in is no longer waiting (decided or expired); nothing changed.")
            return 1
        print("Kept the connection as it was.")
        return 0
    return _kept(result, scripted=False)


def _confirmed(offered: str, current: Account | None) -> bool:
    shown = current.describe() if current is not None else "another account"
    print(
        f"\nGoTo signed you in as {offered}, but Training Day is connected as {shown}.\n"
        "Switching sends the trainings, the agents' emails and their join links to the new account."
    )
    answer = input(f"Type `{REPLACE_WORD}` to switch, anything else to keep the connection as it is: ")
    return answer.strip().lower() == REPLACE_WORD


def _kept(result: Connected, *, scripted: bool) -> int:
    if result.changed:
        verb = (
            "Switched the connection to" if result.outcome == "replaced" else "Connected to GoTo Training as"
        )
        print(f"{verb} {result.account.describe()}.")
        return 0
    current = result.current.describe() if result.current else "another account"
    print(
        f"training-day: Training Day is connected as {current}; that code signs in as "
        f"{result.account.describe()}. Nothing changed."
    )
    if scripted:
        print("To switch, get a new code (GoTo's codes work once) and run again with --replace.")
    else:
        print("Kept the connection as it was.")
    return 1


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


def rekey(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build_context
    from bot.g2t import tokens as g2t_tokens
    from bot.g2t.errors import G2TError
    from db.migrate import upgrade

    if not g2t_tokens.token_keys(settings):
        print("training-day: G2T_TOKEN_KEY is not set: there is nothing to seal with.")
        return 2
    ctx = build_context(settings)
    upgrade(settings.database_url)
    try:
        sealed = g2t_tokens.rekey(ctx)
    except G2TError as exc:
        print(f"training-day: {exc.message}")
        return 1
    print(
        f"Sealed {sealed} stored value(s) with the first G2T_TOKEN_KEY. Once every replica runs with "
        "this list, the old key can leave it."
    )
    return 0
