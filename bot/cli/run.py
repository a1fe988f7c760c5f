"""`training-day run`: serve Slack (Socket Mode with SLACK_APP_TOKEN, else HTTP) at once, and lead
the scheduler or stand by for it (scheduler/leadership.py). Any number of these may run over one
PostgreSQL database."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.config.settings import Settings
from bot.core.context import AppContext
from bot.slack.executor import TrackingExecutor

if TYPE_CHECKING:
    from scheduler.leadership import Coordinator

log = logging.getLogger("training_day")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)")
    parser.set_defaults(handler=run)


class _Stop(SystemExit):
    """SIGTERM/SIGINT, raised in the main thread to leave the serving loop. A SystemExit, because
    waitress's dispatchers swallow (log and carry on after) any plain Exception raised while they
    handle a socket event, so a signal landing there would leave the bot running."""


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
    from db.scheduler_lease import migrating
    from scheduler.leadership import Coordinator

    ctx = build_context(settings)
    with migrating(ctx.db.url):
        upgrade(settings.database_url)
    executor = TrackingExecutor()
    try:
        app = build_bolt_app(ctx, executor=executor)  # checks the token with auth.test
    except (BoltError, SlackClientError, OSError) as exc:
        print(
            f"training-day: cannot start; Slack did not accept SLACK_BOT_TOKEN at {settings.slack_api_url} "
            f"({exc}). Check the token on your app's 'OAuth & Permissions' page.",
            file=sys.stderr,
        )
        return 2
    if settings.first_admins():
        from bot.people import roles

        for line in roles.seed_admins(ctx, settings.first_admins()):
            print(f"training-day: ADMIN_USER_IDS: {line}")
    # Slack is served from here on whatever the scheduler does: the coordinator leads it or stands by
    # in a thread of its own.
    coordinator = Coordinator(ctx).start()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise _Stop

    # A deploy stops the bot with SIGTERM: stop taking requests, let the acknowledged ones finish,
    # then hand the scheduler over, so a standby leads within seconds.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        if settings.slack_app_token:
            code = serve_socket_mode(ctx, app, coordinator)
            if code:
                return code
        else:
            serve_http(ctx, app, coordinator)
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        drain(ctx, executor, coordinator)
    return 0


def serve_socket_mode(ctx: AppContext, app: App, coordinator: Coordinator) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackClientError
    from waitress import create_server

    from bot.g2t.callback import routes as g2t_routes
    from bot.slack.web import make_wsgi, time_ack

    app.use(time_ack)  # over HTTP, web.py times the response instead
    # Slack's requests come over the WebSocket, but the probes, /metrics (and the integrations' pages)
    # are still on PORT.
    watch = create_server(
        make_wsgi(
            app, ctx.db, g2t_routes(ctx), coordinator=coordinator, metrics_token=ctx.settings.metrics_token
        ),
        host="0.0.0.0",
        port=ctx.settings.port,
    )
    threading.Thread(target=watch.run, name="healthz", daemon=True).start()
    log.info("connecting to Slack in Socket Mode; probes and /metrics on port %s", ctx.settings.port)
    handler = SocketModeHandler(app, str(ctx.settings.slack_app_token))
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
    try:
        threading.Event().wait()  # the connection runs in its own threads; SIGTERM ends this wait
    finally:
        handler.close()  # no new events; Slack sends them to the other replicas' connections
    return 0


def serve_http(ctx: AppContext, app: App, coordinator: Coordinator | None = None) -> None:
    from waitress import create_server

    from bot.g2t.callback import routes as g2t_routes
    from bot.slack.web import make_wsgi

    server = create_server(
        make_wsgi(
            app, ctx.db, g2t_routes(ctx), coordinator=coordinator, metrics_token=ctx.settings.metrics_token
        ),
        host="0.0.0.0",
        port=ctx.settings.port,
        threads=8,
    )
    log.info("listening on http://0.0.0.0:%s/slack/events", ctx.settings.port)
    try:
        server.run()
    finally:
        # Stop accepting; waitress finishes the requests it is answering (an ack is quick).
        server.close()


def drain(ctx: AppContext, executor: TrackingExecutor, coordinator: Coordinator) -> None:
    grace = ctx.settings.shutdown_grace_seconds
    if not executor.wait_idle(grace):
        log.warning("stopping with listener work still running after %.0f s", grace)
    coordinator.stop(job_grace=grace)
    ctx.db.dispose()
