"""Log set-up: readable lines by default, or one JSON object per line (LOG_FORMAT=json) for a log
aggregator that indexes fields instead of parsing text."""

from __future__ import annotations

import json
import logging
import os
import re
import socket
from datetime import UTC, datetime

_HOST = socket.gethostname()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": f"{_HOST}:{os.getpid()}",
            "thread": record.threadName,
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


def configure(level: str, fmt: str) -> None:
    redact_http_client_lines()
    handler = logging.StreamHandler()
    handler.addFilter(RedactUrls())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
