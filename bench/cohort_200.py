"""Importing a 200-agent cohort: first import, and the re-import that must change nothing.

.venv/bin/python -m bench.cohort_200
"""

from __future__ import annotations

import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.cohorts import service as cohorts
from bot.cohorts.spec import parse_cohort
from bot.config.playbook import load_playbook
from bot.config.settings import SHIPPED_PLAYBOOK
from bot.standin.classes import add_staff, big_cohort
from db.migrate import upgrade
from db.session import Database


def main() -> None:
    logging.getLogger("alembic").setLevel(logging.ERROR)
    playbook = load_playbook(SHIPPED_PLAYBOOK)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        db = Database(url)
        spec = parse_cohort(big_cohort(200), playbook)
        with db.session() as session:
            add_staff(session, datetime.now(UTC))
        for label in ("first import", "re-import (no change)"):
            began = time.monotonic()
            with db.session() as session:
                result = cohorts.import_cohort(session, spec, actor="bench", now=datetime.now(UTC))
                changes = len(result.changes)
            print(f"{label:>22}: {time.monotonic() - began:.2f} s, {changes} changes")
        db.dispose()


if __name__ == "__main__":
    main()
