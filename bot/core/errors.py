"""Domain errors. Each carries the sentence the person in Slack (or at the CLI) should read."""

from __future__ import annotations


class DomainError(Exception):
    """A request we refuse on purpose; `message` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The form field the message belongs under ("score", "agent", ...); a modal's listener maps it
        # to its block.
        self.field = field


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class UnknownUser(DomainError):
    pass


class InvalidInput(DomainError):
    pass


class Conflict(DomainError):
    pass
