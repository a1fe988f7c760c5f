"""Slack's Web API rate limits, as the stand-in enforces them when asked (`enforce_rate_limits`).

From Slack's rate-limit guide (docs.slack.dev/apis/web-api/rate-limits) and each method's page:
limits apply per method, per workspace, per app; Tier 1 allows 1+ call a minute, Tier 2 20+,
Tier 3 50+, Tier 4 100+, each with bursts tolerated; chat.postMessage is a special tier of about
one message per second per channel. Over a limit Slack answers HTTP 429 with `Retry-After` (whole
seconds) and does not count the refused call. We enforce the floor of each tier over a sliding
minute, so the bot is tested against the least Slack promises.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "apps.connections.open": 1,
    "pins.add": 2,
    "conversations.open": 3,
    "chat.update": 3,
    "chat.delete": 3,
    "reactions.add": 3,
    "auth.test": 4,
    "chat.postEphemeral": 4,
    "users.info": 4,
    "files.info": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
}
# chat.postMessage's special tier.
POST_MESSAGE_PER_CHANNEL_PER_SECOND = 1


class RateLimits:
    """Sliding windows per method (and per channel for chat.postMessage). `scale` shrinks every
    window (scale=60: a minute's quota per second) so a test can cross a limit quickly."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], deque[float]] = {}

    def retry_after(self, method: str, channel: str | None) -> int | None:
        """None if the call may go now (and it is counted), else the seconds Slack would ask for."""
        if method == "chat.postMessage":
            key, limit, window = (method, channel or ""), POST_MESSAGE_PER_CHANNEL_PER_SECOND, 1.0
        elif method in METHOD_TIERS:
            key, limit, window = (method, ""), TIER_PER_MINUTE[METHOD_TIERS[method]], 60.0
        else:
            return None
        window /= self.scale
        now = time.monotonic()
        with self._lock:
            calls = self._windows.setdefault(key, deque())
            while calls and calls[0] <= now - window:
                calls.popleft()
            if len(calls) < limit:
                calls.append(now)
                return None
            return max(1, math.ceil(calls[0] + window - now))
