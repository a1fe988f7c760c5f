"""The ID guards. AHIP charges an agent who types the NPN where it wants the N-Number, and
undoing that takes weeks, so every place that takes an N-Number refuses anything else."""

from __future__ import annotations

from bot.config.playbook import Playbook
from bot.core.errors import InvalidInput


def normalize_n_number(value: str) -> str:
    return value.strip().upper()


def n_number_problem(playbook: Playbook, value: str | None) -> str | None:
    """The sentence to show when `value` is not an N-Number, or None when it is one."""
    formats = playbook.formats
    cleaned = normalize_n_number(value or "")
    if formats.n_number.matches(cleaned):
        return None
    if cleaned and formats.npn.matches(cleaned):
        return (
            f":warning: `{cleaned}` looks like an NPN, not an N-Number. {formats.n_number_warning} "
            f"Use the N-Number ({formats.n_number.description}, like `{formats.n_number.example}`)."
        )
    shown = f"`{cleaned}`" if cleaned else "An empty value"
    return (
        f":warning: {shown} is not an N-Number ({formats.n_number.description}, like "
        f"`{formats.n_number.example}`). {formats.n_number_warning}"
    )


def require_n_number(playbook: Playbook, value: str | None) -> str:
    problem = n_number_problem(playbook, value)
    if problem:
        raise InvalidInput(problem)
    return normalize_n_number(value or "")


def npn_problem(playbook: Playbook, value: str | None) -> str | None:
    cleaned = (value or "").strip()
    if playbook.formats.npn.matches(cleaned):
        return None
    if playbook.formats.n_number.matches(cleaned.upper()):
        return f"`{cleaned}` is an N-Number; the NPN is {playbook.formats.npn.description}."
    return f"`{cleaned}` is not an NPN ({playbook.formats.npn.description}, like `{playbook.formats.npn.example}`)."
