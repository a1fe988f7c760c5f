"""The composition root: builds what listeners and jobs share (the after-commit hooks that
bot/hooks.py lists included), and the Bolt app.

The CLI, the stand-in harness and the demo import this module; it imports none of them."""

from __future__ import annotations

from slack_bolt import App

from bot import hooks
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.context import AppContext
from bot.home import refresh as home_refresh
from bot.slack.client import make_web_client
from bot.slack.executor import TrackingExecutor
from bot.slack.log_middleware import bind_log_context
from bot.slack.web import label_verified
from db.session import Database
from handlers import register_all


def build_context(
    settings: Settings, *, clock: Clock | None = None, playbook: Playbook | None = None
) -> AppContext:
    """Everything listeners and jobs share. Raises PlaybookError for a playbook that does not load.
    `playbook`: settings.playbook already loaded (the stand-in harness parses each file once)."""
    ctx = AppContext(
        settings=settings,
        playbook=playbook if playbook is not None else load_playbook(settings.playbook),
        db=Database(settings.database_url),
        clock=clock or SystemClock(),
        client=make_web_client(settings.slack_bot_token, settings.slack_api_url),
    )
    hooks.install(ctx.hooks)
    return ctx


def build_bolt_app(ctx: AppContext, *, executor: TrackingExecutor | None = None) -> App:
    app = App(
        client=ctx.client,
        signing_secret=ctx.settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        process_before_response=False,
        listener_executor=executor or TrackingExecutor(),
        # Bolt calls auth.test here: a token Slack rejects stops the start with a clear message.
        token_verification_enabled=True,
    )
    # Ahead of the listeners' middleware: /metrics names a request only once Bolt has verified it.
    app.use(label_verified)
    app.use(bind_log_context)
    register_all(app, ctx)
    # Live App Homes: changes committed by this app's listeners and jobs republish them.
    home_refresh.install(ctx)
    return app
