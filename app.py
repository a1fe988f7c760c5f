"""Composition root and command line: builds the context, the Bolt app and the web server."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from slack_bolt import App

from bot.clock import Clock, SystemClock
from bot.context import AppContext
from bot.errors import DomainError
from bot.executor import TrackingExecutor
from bot.playbook import PlaybookError, load_playbook
from bot.settings import Settings
from bot.slack_client import make_web_client
from db.session import Database

log = logging.getLogger("training_day")


def build_context(settings: Settings, *, clock: Clock | None = None) -> AppContext:
    """Everything listeners and jobs share. Raises PlaybookError for a playbook that does not load."""
    playbook = load_playbook(settings.playbook)
    return AppContext(
        settings=settings,
        playbook=playbook,
        db=Database(settings.database_url),
        clock=clock or SystemClock(),
        client=make_web_client(settings.slack_bot_token, settings.slack_api_url),
    )


def build_bolt_app(ctx: AppContext, *, executor: TrackingExecutor | None = None) -> App:
    from handlers import register_all

    app = App(
        client=ctx.client,
        signing_secret=ctx.settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        process_before_response=False,
        listener_executor=executor or TrackingExecutor(),
        # Bolt would call auth.test here; the harness's stand-in answers it, real Slack too.
        token_verification_enabled=True,
    )
    register_all(app, ctx)
    wire_hooks(ctx)
    return app


def wire_hooks(ctx: AppContext) -> None:
    """Connect what must follow a cohort change (planning, late links) to the services' events."""
    from scheduler.wiring import wire

    wire(ctx)


def serve_http(ctx: AppContext, app: App) -> None:
    from waitress import serve

    from bot.web import make_wsgi

    log.info("listening on http://0.0.0.0:%s/slack/events", ctx.settings.port)
    serve(make_wsgi(app, ctx.db), host="0.0.0.0", port=ctx.settings.port, threads=8)


def cmd_run(settings: Settings) -> int:
    missing = settings.missing_for_run()
    if missing:
        print("training-day: cannot start; missing " + "; and ".join(missing) + ". See README.md, "
              "'Creating the Slack app'.", file=sys.stderr)
        return 2
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackClientError

    from db.migrate import upgrade
    from scheduler.runner import start_scheduler

    ctx = build_context(settings)
    upgrade(settings.database_url)
    try:
        app = build_bolt_app(ctx)  # checks the token with auth.test
    except (BoltError, SlackClientError, OSError) as exc:
        print(f"training-day: cannot start; Slack did not accept SLACK_BOT_TOKEN at {settings.slack_api_url} "
              f"({exc}). Check the token on your app's 'OAuth & Permissions' page.", file=sys.stderr)
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
                print(f"training-day: cannot start; Slack did not open a Socket Mode connection with "
                      f"SLACK_APP_TOKEN ({exc}). Create an app-level token with connections:write on your app's "
                      f"'Basic Information' page, and check Socket Mode is on.", file=sys.stderr)
                return 2
            signal.pause()  # the connection runs in its own threads; SIGTERM ends this wait
        else:
            serve_http(ctx, app)
    finally:
        runner.shutdown()
    return 0


def cmd_db_upgrade(settings: Settings) -> int:
    from db.migrate import upgrade

    upgrade(settings.database_url)
    print(f"database is up to date ({Database(settings.database_url).engine.url.render_as_string()})")
    return 0


def cmd_cohort_import(settings: Settings, path: Path) -> int:
    from bot.cohort_spec import load_cohort_file
    from bot.services import cohorts
    from bot.slack_directory import display_names
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(settings.database_url)
    spec = load_cohort_file(path, ctx.playbook)
    names = display_names(ctx.client, {spec.team_lead, spec.production_manager}) if settings.slack_bot_token else {}
    with ctx.db.session() as session:
        result = cohorts.import_cohort(session, spec, actor="cli", now=ctx.clock.now(), names=names)
        cohort_id, name, changes, new_agents = result.cohort.id, result.cohort.name, result.changes, result.new_agent_ids
    if not changes:
        print(f"{name} (cohort {cohort_id}): unchanged")
        return 0
    print(f"{name} (cohort {cohort_id}): " + "; ".join(changes))
    ctx.hooks.fire_cohort_saved(cohort_id)
    for person_id in new_agents:
        ctx.hooks.fire_agent_enrolled(cohort_id, person_id)
    return 0


def cmd_cohort_list(settings: Settings) -> int:
    from bot.services import cohorts
    from db.migrate import upgrade

    ctx = build_context(settings)
    upgrade(settings.database_url)
    with ctx.db.session() as session:
        rows = cohorts.all_cohorts(session)
        if not rows:
            print("no cohorts yet: import one with `training-day cohort import FILE.yml`")
        for c in rows:
            agents = len(cohorts.active_enrollments(session, c.id))
            print(f"{c.id:>4}  {c.name}  channel {c.channel_id}  starts {c.start_date}  {c.days} days  "
                  f"{c.timezone}  {agents} agents  TL {c.tl.name}  PM {c.pm.name}")
    return 0


def cmd_person_add(settings: Settings, user_id: str, name: str, role: str) -> int:
    from bot.services import people
    from db.migrate import upgrade
    from db.models import Role

    ctx = build_context(settings)
    upgrade(settings.database_url)
    with ctx.db.session() as session:
        _person, changes = people.upsert(session, slack_user_id=user_id, name=name, role=Role(role),
                                         actor="cli", now=ctx.clock.now())
    print("; ".join(changes) or f"{name}: unchanged")
    return 0


def cmd_demo() -> int:
    from bot.demo.script import run_demo

    return run_demo(sys.stdout)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="training-day", description="The Training Day Slack bot.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on PORT)")
    sub.add_parser("demo", help="play a scripted class against the built-in Slack stand-in")
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the migrations")
    cohort = sub.add_parser("cohort", help="cohorts").add_subparsers(dest="cohort_command", required=True)
    imp = cohort.add_parser("import", help="create or update a cohort from a YAML file")
    imp.add_argument("file", type=Path)
    cohort.add_parser("list", help="list cohorts")
    person = sub.add_parser("person", help="people").add_subparsers(dest="person_command", required=True)
    add = person.add_parser("add", help="add or update a staff member")
    add.add_argument("user_id", help="Slack user ID, like U0TL0001")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["agent", "tl", "pm", "esp_manager", "admin"])
    _extend_parser(sub)
    return p


def _extend_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Commands that capabilities add (exports, ...)."""
    from bot.cli_extra import add_commands

    add_commands(sub)


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        return cmd_run(settings)
    if args.command == "demo":
        return cmd_demo()
    if args.command == "db":
        return cmd_db_upgrade(settings)
    if args.command == "cohort":
        if args.cohort_command == "import":
            return cmd_cohort_import(settings, args.file)
        return cmd_cohort_list(settings)
    if args.command == "person":
        return cmd_person_add(settings, args.user_id, args.name, args.role)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args, settings))
    raise AssertionError(f"unhandled command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:  # noqa: BLE001 - pydantic's message names the bad variable
        print(f"training-day: bad configuration: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return dispatch(args, settings)
    except PlaybookError as exc:
        print(f"training-day: {exc}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"training-day: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
