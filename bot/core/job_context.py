"""The context scheduled jobs run with.

APScheduler stores jobs as 'module:function' strings with plain arguments (IDs), so a job
cannot carry the database or the Slack client. The process installs its AppContext here once
(app.py's `run`, the test World, the demo) and every job function reads it.
"""

from __future__ import annotations

import threading

from bot.core.context import AppContext

_lock = threading.Lock()
_context: AppContext | None = None


def install(ctx: AppContext) -> None:
    global _context
    with _lock:
        _context = ctx


def current() -> AppContext:
    with _lock:
        if _context is None:
            raise RuntimeError("no AppContext installed: call job_context.install(ctx) at start")
        return _context
