"""Reading APScheduler's job table directly (it belongs to the library, not to our models)."""

from __future__ import annotations

import pickle

from sqlalchemy import Column, LargeBinary, MetaData, String, Table, inspect, select, update
from sqlalchemy.engine import Engine

JOB_TABLE = "apscheduler_jobs"


def stored_job_ids(engine: Engine, table_name: str = JOB_TABLE) -> list[str]:
    """The job ids in the store, without starting a scheduler (for checks and tests)."""
    table = Table(table_name, MetaData(), Column("id", String(191), primary_key=True))
    with engine.connect() as connection:
        return sorted(connection.execute(select(table.c.id)).scalars())


def rewrite_func_refs(engine: Engine, renamed: dict[str, str], table_name: str = JOB_TABLE) -> list[str]:
    """Point stored jobs whose 'module:function' moved at its new home, before a scheduler loads
    them (APScheduler drops a job whose function no longer imports). Returns the ids rewritten.

    A job's state is APScheduler's own pickle; its `func` is the reference string, so the rest of
    the state is carried over untouched."""
    table = Table(
        table_name,
        MetaData(),
        Column("id", String(191), primary_key=True),
        Column("job_state", LargeBinary, nullable=False),
    )
    rewritten = []
    with engine.begin() as connection:
        if not inspect(connection).has_table(table_name):
            return []
        for job_id, blob in connection.execute(select(table.c.id, table.c.job_state)).all():
            state = pickle.loads(blob)  # noqa: S301 - our own job table, written by APScheduler
            func = state.get("func") if isinstance(state, dict) else None
            new = renamed.get(func) if isinstance(func, str) else None
            if new is None:
                continue
            state["func"] = new
            blob = pickle.dumps(state, pickle.HIGHEST_PROTOCOL)
            connection.execute(update(table).where(table.c.id == job_id).values(job_state=blob))
            rewritten.append(job_id)
    return sorted(rewritten)
