"""Which timezone names are real: what zoneinfo can load, whatever way it fails on the rest.

A name from outside (Slack's users.info `tz`, a user_change event, a cohort file, a form) can be
`America` (a directory: IsADirectoryError), 300 characters (OSError), `../etc` or a NUL (ValueError),
or a name this machine's tz database lacks (ZoneInfoNotFoundError). Every one of them is simply
not a zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

# The longest IANA name is about 30 characters; anything much longer is not one.
MAX_ZONE_NAME = 64


def known_zone(name: object) -> str | None:
    """`name` when zoneinfo can load it; None for anything else."""
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_NAME:
        return None
    try:
        ZoneInfo(name)
    except Exception:  # noqa: BLE001 - zoneinfo fails in many ways (OSError, ValueError, ...); all mean "no zone"
        return None
    return name
