"""What a listener returns: how to answer the person. `handlers/listener.py` sends it, in one place,
after the unit of work has committed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Blocks = list[dict[str, Any]]


@dataclass(frozen=True)
class Say:
    """An answer only the person sees: ephemeral where the request has a response_url, else a DM."""

    text: str
    blocks: Blocks | None = None
    # Replace the message the button was on (a card that changes), instead of adding a new one.
    replace_original: bool = False


@dataclass(frozen=True)
class OpenModal:
    view: dict[str, Any]


@dataclass(frozen=True)
class FieldErrors:
    """A modal submission refused, with a message on each field (block id -> text)."""

    errors: dict[str, str]


@dataclass(frozen=True)
class UpdateModal:
    """A modal submission answered by replacing the modal (a confirmation step, say)."""

    view: dict[str, Any]


@dataclass(frozen=True)
class PushModal:
    """A modal submission answered by pushing a new view on top (the form stays underneath, as
    typed, for "Back"). `then`, when given, runs after the ack (slow work: Slack calls, a file)
    and returns the view that replaces the pushed one (found by its `external_id`)."""

    view: dict[str, Any]
    then: Callable[[], dict[str, Any]] | None = None


@dataclass(frozen=True)
class CloseModals:
    """A modal submission that closes every view of the stack (a confirmed preview)."""


@dataclass(frozen=True)
class PublishHome:
    view: dict[str, Any]


@dataclass(frozen=True)
class EditMessage:
    """Show a record's new state on a message the bot sent earlier (a DM card with a button).
    Slack refusing it is only logged: the record is saved, and a stale button says what happened."""

    channel: str
    ts: str
    text: str
    blocks: Blocks | None = None


@dataclass(frozen=True)
class Nothing:
    """Nothing to say (an event that changes nothing, a reaction on an unrelated message)."""


@dataclass(frozen=True)
class Many:
    """Several answers in order (a modal to open and a note, say)."""

    replies: list[Reply] = field(default_factory=list)


Reply = (
    Say
    | OpenModal
    | FieldErrors
    | UpdateModal
    | PushModal
    | CloseModals
    | PublishHome
    | EditMessage
    | Nothing
    | Many
)
