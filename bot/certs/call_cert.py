"""Call Certification scoring: the calls the playbook lists (call 1 coached live counts as its
live score), each passing at the playbook's percentage; enough passes certify the agent. The
scorecard file is named the playbook's way, like `Ruiz_Ana_80%`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.core.errors import InvalidInput
from bot.core.text import NAME, require_length, shorten
from db.models import FormSubmission

SCORE = re.compile(r"[0-9]{1,3}")  # ASCII digits only: int() would also take "٨٥" or " 85 "


@dataclass(frozen=True)
class Call:
    number: int
    kind: str  # PDP, MAPD, ... as the playbook lists the calls
    score: int
    evaluator: str
    live: bool
    passed: bool


@dataclass(frozen=True)
class Scored:
    calls: list[Call]
    passes: int
    pass_rate: int  # a percentage of the calls passed
    certified: bool


def parse_call_score(raw: object, number: int) -> int:
    text = raw if isinstance(raw, str) else ""
    if not text:
        raise InvalidInput(f"Give call {number}'s score, a whole number from 0 to 100.")
    if not SCORE.fullmatch(text) or int(text) > 100:
        raise InvalidInput(
            f"`{shorten(text, 20)}` is not a score for call {number}: give a whole number from 0 to 100, "
            "like `88`."
        )
    return int(text)


def score_calls(playbook: Playbook, raw_calls: Any, problems: dict[str, str]) -> Scored | None:
    """The calls of the form scored; every wrong field is named in `problems` (`callN_score`,
    `callN_evaluator`) and None is returned."""
    policy = playbook.call_cert
    given = raw_calls if isinstance(raw_calls, list) else []
    calls: list[Call] = []
    for number, kind in enumerate(policy.calls, start=1):
        entry = given[number - 1] if number <= len(given) and isinstance(given[number - 1], dict) else {}
        live = number == 1 and policy.first_call_live
        try:
            evaluator = require_length(str(entry.get("evaluator") or ""), NAME, f"Call {number}'s evaluator")
            if not evaluator:
                raise InvalidInput(f"Fill in who evaluated call {number}.")
        except InvalidInput as wrong:
            problems[f"call{number}_evaluator"] = wrong.message
            evaluator = ""
        score = policy.live_score
        if not live:
            try:
                score = parse_call_score(entry.get("score"), number)
            except InvalidInput as wrong:
                problems[f"call{number}_score"] = wrong.message
                continue
        calls.append(Call(number, kind, score, evaluator, live, score >= policy.pass_score))
    if len(calls) != len(policy.calls) or any(k.startswith("call") for k in problems):
        return None
    passes = sum(1 for c in calls if c.passed)
    return Scored(
        calls=calls,
        passes=passes,
        pass_rate=round(100 * passes / len(calls)),
        certified=passes >= policy.passes_needed,
    )


def scorecard_name(playbook: Playbook, agent_name: str, pass_rate: int) -> str:
    """`LastName_FirstName_80%` (the playbook's pattern), with only letters, digits and dashes
    from the name so it is a safe file name everywhere."""
    words = agent_name.split()
    last = words[-1] if words else ""
    first = "-".join(words[:-1])

    def clean(part: str) -> str:
        return "".join(ch for ch in part if ch.isalnum() or ch == "-")

    return playbook.call_cert.file_name.format(
        last_name=clean(last), first_name=clean(first), pass_rate=f"{pass_rate}%"
    )


def latest_pass_rate(session: Session, person_id: int) -> str:
    """The pass rate of the agent's latest scored Call Certification ("80%"), or ""."""
    stmt = (
        select(FormSubmission)
        .where(FormSubmission.person_id == person_id, FormSubmission.kind == "callcert")
        .order_by(FormSubmission.submitted_at.desc(), FormSubmission.id.desc())
    )
    for submission in session.scalars(stmt):
        rate = (submission.data or {}).get("pass_rate")
        if isinstance(rate, int):
            return f"{rate}%"
    return ""
