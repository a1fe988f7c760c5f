"""Reading APScheduler's job table directly (it belongs to the library, not to our models)."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.engine import Engine

JOB_TABLE = "apscheduler_jobs"


def stored_job_ids(engine: Engine, table_name: str = JOB_TABLE) -> list[str]:
    """The job ids in the store, without starting a scheduler (for checks and tests)."""
    table = Table(table_name, MetaData(), Column("id", String(191), primary_key=True))
    with engine.connect() as connection:
        return sorted(connection.execute(select(table.c.id)).scalars())
