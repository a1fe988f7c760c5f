"""What the records feature hands out: who read an agent's records, and the whole record as a file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReadRow:
    when: str
    reader: str
    what: str
    detail: str


@dataclass(frozen=True)
class Reads:
    agent_name: str
    rows: list[ReadRow] = field(default_factory=list)


@dataclass(frozen=True)
class RecordFile:
    agent_name: str
    filename: str
    content: bytes


@dataclass(frozen=True)
class RecordSent:
    agent_name: str
    filename: str


@dataclass(frozen=True)
class RetentionDone:
    redacted: list[int] = field(default_factory=list)  # person ids whose personal fields went
    hr_redacted: list[int] = field(default_factory=list)  # person ids whose HR records' texts went
