"""A whole bot wired to the stand-in: the real Bolt app, a real database, a clock that only moves
when told. The tests and the demo both drive Training Day through this.

Slack's requests reach the app in-process by default: the driver signs them as Slack would and
the World hands body and headers to Bolt's `App.dispatch`, as bolt-python's own tests do (the
signature check, the listeners and the ack after which work goes on are Bolt's own either way).
`World(http=True)` serves the app over loopback HTTP as well (`world.url`), for what is about the
transport itself: /slack/events' request guard and body limits, /healthz, /metrics, the G2T
OAuth callback page."""

from __future__ import annotations

import contextvars
import importlib
import logging
import threading
from datetime import datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App, BoltRequest

from bot.bootstrap import build_bolt_app, build_context
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK, Settings
from bot.core import job_context as runtime
from bot.core import outbox
from bot.core.clock import ManualClock, ensure_utc
from bot.core.context import AppContext
from bot.g2t.callback import routes as g2t_routes
from bot.home import refresh as home_refresh
from bot.slack.executor import TrackingExecutor
from bot.slack.request_guard import unreadable
from bot.slack.web import make_wsgi
from bot.standin.driver import SlackDriver
from bot.standin.g2t import G2TStandIn, g2t_settings
from bot.standin.server import SlackStandIn
from db.migrate import upgrade
from scheduler.plan import plan_all

log = logging.getLogger(__name__)

SIGNING_SECRET = "standin-signing-secret"

# Parsing the playbook's YAML is most of what building a World costs; each file is parsed once per
# process (keyed on its path and modification) and every World gets its own copy.
_playbooks: dict[tuple[Path, int, int], Playbook] = {}


def _playbook(path: Path) -> Playbook:
    resolved = Path(path).resolve()
    stat = resolved.stat()
    key = (resolved, stat.st_mtime_ns, stat.st_size)
    if key not in _playbooks:
        _playbooks[key] = load_playbook(path)
    return _playbooks[key].model_copy(deep=True)


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
        http: bool = False,
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
            upgrade(database_url)
        self.executor = TrackingExecutor()
        self.ctx, self.app = self._build()
        self._http: _ThreadingWSGIServer | None = None
        self._http_thread: threading.Thread | None = None
        if http:
            self._serve_http()
            self.driver = SlackDriver(self.url, SIGNING_SECRET, self.slack, settle=self.settle)
        else:
            self.driver = SlackDriver(self._dispatch, SIGNING_SECRET, self.slack, settle=self.settle)

    def _build(self) -> tuple[AppContext, App]:
        ctx = build_context(self.settings, clock=self.clock, playbook=_playbook(self.settings.playbook))
        runtime.install(ctx)
        return ctx, build_bolt_app(ctx, executor=self.executor)

    def _dispatch(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        """A signed request handed to the current app (a restart builds a new one), refused as the
        HTTP face's request guard refuses a body Bolt cannot read."""
        try:
            request = BoltRequest(body=body, headers=dict(headers))
            problem = unreadable(request.body)
        except Exception as error:  # noqa: BLE001 - as the guard: building the request only parses the body
            problem = f"{type(error).__name__}: {error}"
        if problem:
            log.warning("refused a request whose body does not parse: %s", problem)
            return 400, ""
        # As the HTTP face does: each request in its own context (its log fields end with it).
        response = contextvars.copy_context().run(self.app.dispatch, request)
        return response.status, response.body

    def _serve_http(self) -> None:
        def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            return make_wsgi(self.app, self.ctx.db, g2t_routes(self.ctx))(environ, start_response)

        self._http = make_server(
            "127.0.0.1", 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, name="bot-http", daemon=True
        )
        self._http_thread.start()

    @property
    def url(self) -> str:
        """The bot's base URL over loopback HTTP (only a World(http=True) has one)."""
        if self._http is None:
            raise RuntimeError("this World dispatches in-process; World(http=True) serves it over HTTP")
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def restart(self) -> None:
        """Simulate a process restart: a new context and Bolt app over the same database."""
        self.settle()
        self._stop_home_refresh()
        self.ctx.db.dispose()
        self.ctx, self.app = self._build()

    def run_job(self, func: str, *args: object) -> object:
        """Run a scheduled job's function ('module:function') now, as the scheduler would."""
        module, _, name = func.partition(":")
        result = getattr(importlib.import_module(module), name)(*args)
        self.settle()
        return result

    def planned_jobs(self) -> list[Any]:
        """The day plan for every cohort, as the real scheduler's reconcile derives it."""
        with self.ctx.db.session() as session:
            return plan_all(session, self.ctx.playbook)

    def advance_to(self, when: datetime) -> list[str]:
        """Move the clock to `when`, running in time order every planned job due on the way (the
        clock set to each job's time first), with the job functions the scheduler uses, and
        sending what waited for its moment (digests, quiet hours) as the outbox's tick does.
        Returns the ids of the jobs it ran."""
        target = ensure_utc(when)
        start = self.clock.now()
        ran = []
        for job in self.planned_jobs():
            if start < job.run_at <= target:
                self._release_until(job.run_at)
                self.clock.set(job.run_at)
                self.run_job(job.func, *job.args)
                ran.append(job.id)
        self._release_until(target)
        self.clock.set(target)
        return ran

    def _release_until(self, until: datetime) -> None:
        """What the outbox tick sends on the way to `until`, each at its own due time."""
        while True:
            due = outbox.next_due(self.ctx.db, until)
            if due is None:
                return
            if due > self.clock.now():
                self.clock.set(due)
            outbox.release_due(self.ctx.db, self.ctx.client, self.clock.now())
            self.settle()

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
        home_refresh.stop(self.ctx)

    def close(self) -> None:
        self.settle()
        self._stop_home_refresh()
        if self._http is not None:
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
