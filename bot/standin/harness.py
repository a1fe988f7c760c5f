"""A whole bot wired to the stand-in: the real Bolt app over HTTP, a real database, a clock
that only moves when told. The tests and the demo both drive Training Day through this."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.config.settings import SHIPPED_PLAYBOOK, Settings
from bot.core.clock import ManualClock
from bot.core.context import AppContext
from bot.slack.executor import TrackingExecutor
from bot.standin.driver import SlackDriver
from bot.standin.g2t import G2TStandIn, g2t_settings
from bot.standin.server import SlackStandIn

SIGNING_SECRET = "standin-signing-secret"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections under a burst of senders.
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class World:
    def __init__(
        self,
        database_url: str,
        *,
        start: datetime,
        standin: SlackStandIn | None = None,
        playbook: Path = SHIPPED_PLAYBOOK,
        migrate: bool = True,
        extra_settings: dict[str, Any] | None = None,
        g2t: G2TStandIn | None = None,
    ) -> None:
        self.database_url = database_url
        self.clock = ManualClock(start)
        self._own_standin = standin is None
        self.slack = standin or SlackStandIn().start()
        self.settings = Settings(
            slack_bot_token="xoxb-standin",
            slack_signing_secret=SIGNING_SECRET,
            slack_app_token=None,
            slack_api_url=self.slack.api_url,
            database_url=database_url,
            playbook=playbook,
            **(extra_settings or {}),
        )
        self.g2t = g2t
        if g2t is not None:
            self.settings = self.settings.model_copy(update=g2t_settings(g2t))
            g2t.now = self.clock.now
        if migrate:
            from db.migrate import upgrade

            upgrade(database_url)
        self.executor = TrackingExecutor()
        self.ctx, self.app = self._build()
        self._http = make_server(
            "127.0.0.1", 0, self._wsgi(), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, name="bot-http", daemon=True
        )
        self._http_thread.start()
        host, port = self._http.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self.driver = SlackDriver(self.url, SIGNING_SECRET, self.slack, settle=self.settle)

    def _build(self) -> tuple[AppContext, Any]:
        from bot.bootstrap import build_bolt_app, build_context
        from bot.core import job_context as runtime

        ctx = build_context(self.settings, clock=self.clock)
        runtime.install(ctx)
        return ctx, build_bolt_app(ctx, executor=self.executor)

    def _wsgi(self) -> Any:
        from bot.g2t.callback import routes as g2t_routes
        from bot.slack.web import make_wsgi

        return lambda environ, start_response: make_wsgi(self.app, self.ctx.db, g2t_routes(self.ctx))(
            environ, start_response
        )

    def restart(self) -> None:
        """Simulate a process restart: a new context and Bolt app over the same database."""
        self.settle()
        self._stop_home_refresh()
        self.ctx.db.dispose()
        self.ctx, self.app = self._build()

    def run_job(self, func: str, *args: object) -> object:
        """Run a scheduled job's function ('module:function') now, as the scheduler would."""
        import importlib

        module, _, name = func.partition(":")
        result = getattr(importlib.import_module(module), name)(*args)
        self.settle()
        return result

    def planned_jobs(self) -> list[Any]:
        """The day plan for every cohort, as the real scheduler's reconcile derives it."""
        from scheduler.plan import plan_all

        with self.ctx.db.session() as session:
            return plan_all(session, self.ctx.playbook)

    def advance_to(self, when: datetime) -> list[str]:
        """Move the clock to `when`, running in time order every planned job due on the way (the
        clock set to each job's time first), with the job functions the scheduler uses. Returns
        the ids of the jobs it ran."""
        from bot.core.clock import ensure_utc

        target = ensure_utc(when)
        start = self.clock.now()
        ran = []
        for job in self.planned_jobs():
            if start < job.run_at <= target:
                self.clock.set(job.run_at)
                self.run_job(job.func, *job.args)
                ran.append(job.id)
        self.clock.set(target)
        return ran

    def catch_up(self) -> list[str]:
        """What a fresh start does: run every planned job that is due and still within its grace
        (already-run ones included: they must repeat nothing)."""
        now = self.clock.now()
        ran = []
        for job in self.planned_jobs():
            if job.runnable_at(now):
                self.run_job(job.func, *job.args)
                ran.append(job.id)
        return ran

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until every acknowledged request has finished its work after the ack."""
        if not self.executor.wait_idle(timeout):
            raise TimeoutError("listeners still running after the wait")

    def _stop_home_refresh(self) -> None:
        from bot.home import refresh as home_refresh

        home_refresh.stop(self.ctx)

    def close(self) -> None:
        self.settle()
        self._stop_home_refresh()
        self._http.shutdown()
        self._http.server_close()
        self.executor.shutdown(wait=True)
        self.ctx.db.dispose()
        if self._own_standin:
            self.slack.stop()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
