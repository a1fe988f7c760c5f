"""What an agent has reported of the timeframe's steps: a carrier's steps come from the playbook
(`timeframe.steps`), and reporting a step means every step before it is done too. The pace
(bot/progress/service.py) and the AHIP clock (bot/progress/ahip_clock.py) both read it here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.core.errors import InvalidInput
from bot.core.text import shorten
from bot.progress.playbook import ProgressStep
from db.models import ProgressMark

DONE_WORDS = {"done", "complete", "completed", "passed", "finished"}


def carrier_name(playbook: Playbook, key: str) -> str:
    carrier = playbook.carrier(key)
    return carrier.name if carrier else key.upper()


def step_label(playbook: Playbook, carrier: str, step: str) -> str:
    found = next((s for s in playbook.timeframe.steps.get(carrier, []) if s.key == step), None)
    return f"{carrier_name(playbook, carrier)} {found.label if found else step}"


def steps_of(playbook: Playbook, carrier: str) -> list[ProgressStep]:
    return list(playbook.timeframe.steps.get(carrier, []))


def parse_step(playbook: Playbook, carrier: str, raw: str) -> str:
    """'3', 'module 3', 'final', 'done' -> the step key; a clear message otherwise."""
    carrier = carrier.lower()
    steps = steps_of(playbook, carrier)
    if not steps:
        known = ", ".join(playbook.timeframe.steps)
        raise InvalidInput(f"`{shorten(carrier, 20)}` has no steps to report. Use one of: {known}.")
    cleaned = raw.strip().lower().removeprefix("module").strip()
    keys = [s.key for s in steps]
    if cleaned in keys:
        return cleaned
    if cleaned in DONE_WORDS:
        return keys[-1]
    options = ", ".join(f"`{k}`" for k in keys)
    raise InvalidInput(
        f"`{shorten(raw, 20)}` is not a {carrier_name(playbook, carrier)} step. Use one of: {options}."
    )


def mark_of(session: Session, person_id: int, carrier: str) -> ProgressMark | None:
    return session.scalar(
        select(ProgressMark).where(ProgressMark.person_id == person_id, ProgressMark.carrier_key == carrier)
    )


def done_steps(session: Session, person_id: int, playbook: Playbook) -> set[str]:
    """Every 'carrier step' the agent has done (a reported step implies the ones before it)."""
    marks = session.scalars(select(ProgressMark).where(ProgressMark.person_id == person_id))
    return _done_from(list(marks), playbook)


def done_steps_of(session: Session, person_ids: list[int], playbook: Playbook) -> dict[int, set[str]]:
    """done_steps for many agents in one query (a class's Home)."""
    marks: dict[int, list[ProgressMark]] = {pid: [] for pid in person_ids}
    if person_ids:
        for mark in session.scalars(select(ProgressMark).where(ProgressMark.person_id.in_(person_ids))):
            marks[mark.person_id].append(mark)
    return {pid: _done_from(found, playbook) for pid, found in marks.items()}


def _done_from(marks: list[ProgressMark], playbook: Playbook) -> set[str]:
    done: set[str] = set()
    for mark in marks:
        keys = [s.key for s in steps_of(playbook, mark.carrier_key)]
        if mark.complete:
            upto = len(keys)
        elif mark.step in keys:
            upto = keys.index(mark.step) + 1
        else:
            upto = 0
        done.update(f"{mark.carrier_key} {k}" for k in keys[:upto])
    return done
