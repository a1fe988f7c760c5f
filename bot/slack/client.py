"""The Web API client, with retries turned on (slack_sdk leaves the 429 handler off by default).

The handlers sit on the client, so every method honours 429 `Retry-After`: the calls our services
make, and Bolt's per-request clients too (Bolt copies `retry_handlers` into each one). A 429 still
there after the retries surfaces as `ratelimited`; the outbox then retries that message later
without counting it towards giving up (bot/services/outbox.py)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

# Slack's Retry-After is usually a second or two (chat.postMessage's per-channel limit) and at most
# the rest of a minute (a tier's window): five waits ride out a tier's minute under contention.
RATE_LIMIT_RETRIES = 5


def make_web_client(token: str | None, base_url: str) -> WebClient:
    if not base_url.endswith("/"):
        base_url += "/"
    client = WebClient(token=token, base_url=base_url, timeout=15)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
    )
    # WebClient installs a ConnectionErrorRetryHandler itself; keep exactly one.
    if not any(isinstance(h, ConnectionErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(ConnectionErrorRetryHandler())
    return client
