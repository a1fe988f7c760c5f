"""The one exception the G2T client raises; services turn it into a plain sentence."""

from __future__ import annotations


class G2TError(Exception):
    """A G2T call that did not succeed. `retryable`: GoTo was down, slow or rate-limited, so the
    same call later may well work; otherwise the request itself was refused."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = retryable


class AlreadyRegistered(G2TError):
    """409 on POST .../registrants: that email address is registered for the training already."""


class NotConnected(G2TError):
    """No GoTo connection (never connected, or the refresh token was refused)."""
