"""How each action of the authorization policy is exercised through the real app, for
tests/kernel/test_access_table.py. One module per area; each contributes a dict Action -> Case."""

from __future__ import annotations

from bot.access.policy import Action
from tests.kernel.access_cases import (
    accountability,
    claims,
    cohorts,
    day,
    notifications,
    people,
    pictures,
    policies,
    production,
    records,
    sheets,
)
from tests.kernel.access_cases.base import Case

CASES: dict[Action, Case] = {
    **accountability.CASES,
    **cohorts.CASES,
    **people.CASES,
    **day.CASES,
    **sheets.CASES,
    **policies.CASES,
    **production.CASES,
    **pictures.CASES,
    **records.CASES,
    **claims.CASES,
    **notifications.CASES,
}
