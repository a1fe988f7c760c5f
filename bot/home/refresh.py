"""A live App Home: when something a Home shows changes (a tracker item, an attendance mark or
code, a red flag, the help queue, a coaching, progress, an enrolment), the Homes of the people
concerned are published again: the agent, their class's TL and PM, the admins, and for a red flag
the ESP managers, but only those who have opened their Home at least once.

Changes are noticed where they are written (the session's flush), handed over when the unit of
work commits (never on a rollback), and published by one background thread, coalesced: at most one
publish per person every `interval` seconds, whatever the number of changes in between. Slack's
views.publish rate limits are per workspace and user; coalescing keeps us far below them, and the
client's RateLimitErrorRetryHandler waits out a 429 should one come.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from bot.core.context import AppContext
from bot.home import service as home
from bot.slack.blocks import fit_view
from db.models import (
    AttendanceCheck,
    AttendanceCodeChoice,
    AttendanceFlag,
    AuditEntry,
    Coaching,
    Cohort,
    Enrollment,
    EspItem,
    HelpRequest,
    Person,
    ProgressMark,
    RedFlag,
    Role,
)

log = logging.getLogger(__name__)

COALESCE_SECONDS = 3.0
# A request often commits more than once (the change, then what it tells people): wait this long
# before the first publish so they land in one.
SETTLE_SECONDS = 0.25
WATCHED = (
    AttendanceCheck,
    AttendanceCodeChoice,
    AttendanceFlag,
    Coaching,
    Enrollment,
    EspItem,
    HelpRequest,
    ProgressMark,
    RedFlag,
)
_TOUCHED = "home_refresh.touched"  # session.info: agent person ids changed in this unit of work
_FLAGGED = "home_refresh.red_flag"  # session.info: a red flag changed (ESP managers' Homes)


# -- who sees the change ---------------------------------------------------------------------
def viewers(session: Session, agent_ids: Iterable[int], red_flag: bool) -> list[str]:
    """Slack IDs of the people whose Home shows these agents and who have opened it."""
    ids = list(agent_ids)
    wanted: set[int] = set(ids)
    if ids:
        rows = session.execute(
            select(Cohort.tl_id, Cohort.pm_id)
            .join(Enrollment, Enrollment.cohort_id == Cohort.id)
            .where(Enrollment.person_id.in_(ids))
        )
        for tl_id, pm_id in rows:
            wanted.update((tl_id, pm_id))
    roles = [Role.ADMIN, Role.ESP_MANAGER] if red_flag else [Role.ADMIN]
    stmt = select(Person.slack_user_id).where(
        Person.home_opened_at.is_not(None), (Person.id.in_(wanted)) | (Person.role.in_(roles))
    )
    return sorted(session.scalars(stmt))


# -- noticing changes -----------------------------------------------------------------------------
_refreshers: weakref.WeakKeyDictionary[Engine, Refresher] = weakref.WeakKeyDictionary()
_listening = False
_listen_lock = threading.Lock()


def install(ctx: AppContext) -> Refresher:
    """Live Homes for this context's database (the app process calls it once)."""
    global _listening
    with _listen_lock:
        if not _listening:
            event.listen(Session, "after_flush", _after_flush)
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_rollback", _after_rollback)
            _listening = True
        refresher = _refreshers.get(ctx.db.engine)
        if refresher is None or refresher.ctx is not ctx:
            if refresher is not None:
                refresher.stop()
            refresher = Refresher(ctx)
            _refreshers[ctx.db.engine] = refresher
    return refresher


def refresher_of(ctx: AppContext) -> Refresher | None:
    return _refreshers.get(ctx.db.engine)


def stop(ctx: AppContext) -> None:
    refresher = _refreshers.pop(ctx.db.engine, None)
    if refresher is not None:
        refresher.stop()


# Changes made with a conditional UPDATE (a claim, a resolution) flush no object; their audit entry
# names the record, which the session that made the change has loaded.
_AUDITED = {"help_request": HelpRequest, "red_flag": RedFlag}


def _after_flush(session: Session, _context: object) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and obj.entity in _AUDITED and obj.entity_id is not None:
            obj = session.identity_map.get(identity_key(_AUDITED[obj.entity], int(obj.entity_id)))
        if isinstance(obj, WATCHED):
            person_id = getattr(obj, "person_id", None)
            if isinstance(person_id, int):
                session.info.setdefault(_TOUCHED, set()).add(person_id)
            if isinstance(obj, RedFlag):
                session.info[_FLAGGED] = True


def _after_commit(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    flagged = session.info.pop(_FLAGGED, False)
    if not touched:
        return
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    refresher = _refreshers.get(engine)
    if refresher is not None:
        refresher.changed(touched, red_flag=flagged)


def _after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_FLAGGED, None)


# -- publishing, coalesced ----------------------------------------------------------------------------
class Refresher:
    def __init__(self, ctx: AppContext, interval: float = COALESCE_SECONDS) -> None:
        self.ctx = ctx
        self.interval = interval
        self._cond = threading.Condition()
        self._agents: set[int] = set()  # changed agents not yet resolved to viewers
        self._red_flag = False
        self._due: dict[str, float] = {}  # viewer -> monotonic time their publish is due
        self._last: dict[str, float] = {}
        self._busy = False
        self._stopped = False
        self._thread: threading.Thread | None = None
        self.published = 0

    def changed(self, agent_ids: Iterable[int], *, red_flag: bool = False) -> None:
        with self._cond:
            if self._stopped:
                return
            self._agents.update(agent_ids)
            self._red_flag = self._red_flag or red_flag
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="home-refresh", daemon=True)
                self._thread.start()
            self._cond.notify()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Until nothing is waiting to be published (tests; a clean shutdown)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._agents or self._due or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and not self._agents and not self._ready():
                    self._cond.wait(self._wait_for())
                if self._stopped:
                    return
                agents, red_flag = self._agents, self._red_flag
                self._agents, self._red_flag = set(), False
                self._busy = True
            try:
                if agents:
                    self._schedule(self._resolve(agents, red_flag))
                for user in self._take_ready():
                    self._publish(user)
            except Exception:  # noqa: BLE001 - a failed refresh must not end live Homes for everyone
                log.exception("App Home refresh failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _resolve(self, agents: set[int], red_flag: bool) -> list[str]:
        with self.ctx.db.session() as session:
            return viewers(session, agents, red_flag)

    def _schedule(self, users: list[str]) -> None:
        now = time.monotonic()
        with self._cond:
            for user in users:
                if user not in self._due:
                    first = now + min(SETTLE_SECONDS, self.interval)
                    self._due[user] = max(first, self._last.get(user, -1e9) + self.interval)

    def _ready(self) -> bool:
        now = time.monotonic()
        return any(due <= now for due in self._due.values())

    def _wait_for(self) -> float | None:
        if not self._due:
            return None
        return max(0.01, min(self._due.values()) - time.monotonic())

    def _take_ready(self) -> list[str]:
        now = time.monotonic()
        with self._cond:
            ready = [u for u, due in self._due.items() if due <= now]
            for user in ready:
                del self._due[user]
                self._last[user] = now
        return ready

    def _publish(self, user: str) -> None:
        with self.ctx.db.session() as session:
            view = home.view_for(session, self.ctx.playbook, user, self.ctx.clock.now())
        try:
            self.ctx.client.views_publish(user_id=user, view=fit_view(view))
            self.published += 1
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("could not refresh %s's App Home: %s", user, exc)
