"""Log set-up: readable lines by default, or one JSON object per line (LOG_FORMAT=json) for a log
aggregator that indexes fields instead of parsing text. A JSON line carries what it is about (the
listener, the person, the class, the job: bot/core/log_context.py), and no line carries a secret:
Slack tokens by their shape, and every secret setting by its value, are masked whoever logs them."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.core.log_context import ContextFilter

_HOST = socket.gethostname()
MASK = "…"
# Slack's tokens (bot, user, app-level, configuration, refresh), whatever carries them.
_SLACK_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp|xoxe(?:\.xox[a-z])?)-[A-Za-z0-9-]{6,}")
# Shorter than this, a value is too likely to occur in ordinary text to be masked by value.
_MIN_SECRET = 8


class Masker:
    """Masks Slack tokens and the given secret values in a finished log line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len, reverse=True)
        self._values = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def __call__(self, line: str) -> str:
        line = _SLACK_TOKEN.sub(lambda m: m.group(0).split("-", 1)[0] + "-" + MASK, line)
        return self._values.sub(MASK, line) if self._values is not None else line


class TextFormatter(logging.Formatter):
    def __init__(self, masker: Masker | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._mask = masker or Masker()

    def format(self, record: logging.LogRecord) -> str:
        return self._mask(super().format(record))


class JsonFormatter(logging.Formatter):
    def __init__(self, masker: Masker | None = None) -> None:
        super().__init__()
        self._mask = masker or Masker()

    def format(self, record: logging.LogRecord) -> str:
        return self._mask(self._entry(record))

    def _entry(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": f"{_HOST}:{os.getpid()}",
            "thread": record.threadName,
            **getattr(record, "log_context", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


# Secrets that travel in URLs: GoTo's organizer key is a path segment (/organizers/KEY/...) and a
# query parameter of its start links (?o=KEY); OAuth's code, state and tokens are parameters.
# httpx logs every request's URL at INFO.
_SECRET_IN_URL = re.compile(
    r"(/organizers/)[^/\s\"'?]+"
    r"|([?&](?:o|organizerKey|code|state|access_token|refresh_token|token)=)[^&\s\"']+"
)


class RedactUrls(logging.Filter):
    """Masks the secrets a logged URL carries, whoever logs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _SECRET_IN_URL.sub(lambda m: (m.group(1) or m.group(2)) + "…", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def redact_http_client_lines() -> None:
    """Mask URLs in the HTTP clients' own log lines (a logger's filter sees every record it
    makes, whatever handlers are installed: tests' and operators' alike)."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactUrls) for f in logger.filters):
            logger.addFilter(RedactUrls())


def handler_for(fmt: str, secrets: Iterable[str] = (), stream: TextIO | None = None) -> logging.Handler:
    """The process's log handler (stderr unless told): context fields stamped, URLs redacted,
    secrets masked."""
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else logging.StreamHandler()
    )
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactUrls())
    masker = Masker(secrets)
    handler.setFormatter(JsonFormatter(masker) if fmt == "json" else TextFormatter(masker))
    return handler


def configure(level: str, fmt: str, secrets: Iterable[str] = ()) -> None:
    redact_http_client_lines()
    logging.basicConfig(level=level, handlers=[handler_for(fmt, secrets)])
