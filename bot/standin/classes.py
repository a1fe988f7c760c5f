"""Made-up classes of any size, for load tests and benchmarks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.core import people
from db.models import Role


def big_cohort(n: int, *, channel: str = "C0BIGCLS1", start_date: str = "2026-12-01") -> dict[str, Any]:
    """A cohort file's data with `n` agents U0AG0001..., N-Numbers N1000001..., NPNs 10000001..."""
    return {
        "name": f"Big class ({n} agents)",
        "channel": channel,
        "timezone": "America/Chicago",
        "start_date": start_date,
        "days": 3,
        "training_link": "https://example.gotowebinar.com/join/1",
        "team_lead": "U0TL0001",
        "production_manager": "U0PM0001",
        "agents": [
            {
                "slack_id": f"U0AG{i:04d}",
                "name": f"Agent {i}",
                "n_number": f"N{1000000 + i}",
                "npn": f"{10000000 + i}",
            }
            for i in range(1, n + 1)
        ],
    }


def add_staff(session: Session, now: datetime) -> None:
    """The big class's TL and PM with their roles, as an admin's `training-day person add` makes
    them (importing a cohort never gives anybody a role)."""
    for user_id, name, role in (("U0TL0001", "Tess Lead", Role.TL), ("U0PM0001", "Paolo Manager", Role.PM)):
        people.upsert(session, slack_user_id=user_id, name=name, role=role, actor="cli", now=now)
