"""`training-day run`: serve Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP) and run the scheduler."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from slack_bolt import App

from bot.config.settings import Settings
from bot.context import AppContext

log = logging.getLogger("training_day")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    missing = settings.missing_for_run()
    if missing:
        print(
            "training-day: cannot start; missing " + "; and ".join(missing) + ". See README.md, "
            "'Creating the Slack app'.",
            file=sys.stderr,
        )
        return 2
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackClientError

    from bot.bootstrap import build_bolt_app, build_context
    from db.migrate import upgrade
    from scheduler.runner import start_scheduler

    ctx = build_context(settings)
    upgrade(settings.database_url)
    try:
        app = build_bolt_app(ctx)  # checks the token with auth.test
    except (BoltError, SlackClientError, OSError) as exc:
        print(
            f"training-day: cannot start; Slack did not accept SLACK_BOT_TOKEN at {settings.slack_api_url} "
            f"({exc}). Check the token on your app's 'OAuth & Permissions' page.",
            file=sys.stderr,
        )
        return 2
    runner = start_scheduler(ctx)
    # A deploy stops the bot with SIGTERM: leave through `finally` so the scheduler lock is released
    # and the next process starts at once instead of waiting for the lock to expire.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    try:
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("connecting to Slack in Socket Mode")
            handler = SocketModeHandler(app, settings.slack_app_token)
            try:
                handler.connect()
            except (SlackClientError, OSError) as exc:
                print(
                    f"training-day: cannot start; Slack did not open a Socket Mode connection with "
                    f"SLACK_APP_TOKEN ({exc}). Create an app-level token with connections:write on your app's "
                    f"'Basic Information' page, and check Socket Mode is on.",
                    file=sys.stderr,
                )
                return 2
            signal.pause()  # the connection runs in its own threads; SIGTERM ends this wait
        else:
            serve_http(ctx, app)
    finally:
        runner.shutdown()
    return 0


def serve_http(ctx: AppContext, app: App) -> None:
    from waitress import serve

    from bot.slack.web import make_wsgi

    log.info("listening on http://0.0.0.0:%s/slack/events", ctx.settings.port)
    from bot.integrations.g2t.callback import routes as g2t_routes

    serve(make_wsgi(app, ctx.db, g2t_routes(ctx)), host="0.0.0.0", port=ctx.settings.port, threads=8)
