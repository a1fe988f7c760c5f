"""Which row of the sheet is an agent's: one identity, one row, the same for push and pull.

The row the bot's tag (developer metadata) points to wins while its agent-ID cell still holds the
agent's ID; without such a tag, the first row holding the ID (tagged by the next push). Any other
row with the same ID is a copy: its values never move the tracker and the bot never writes to it;
the class's TL is told once, until the copies are gone."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.sheet_sync.client import Tag


@dataclass
class Rows:
    of: dict[str, int] = field(default_factory=dict)  # agent ID -> its row
    new_tags: list[tuple[str, int]] = field(default_factory=list)
    stale_tags: list[int] = field(default_factory=list)  # metadata IDs of tags no longer right
    copies: dict[str, list[int]] = field(default_factory=dict)  # agent ID -> the other rows with its ID


def resolve(ids: list[str], tags: list[Tag], agents: set[str]) -> Rows:
    """`ids`: the agent-ID column as read, header first (ids[0] is row 1)."""

    def id_at(row: int) -> str:
        return ids[row - 1].strip() if 0 < row <= len(ids) else ""

    rows_with: dict[str, list[int]] = {}
    for number in range(2, len(ids) + 1):
        value = id_at(number)
        if value in agents:
            rows_with.setdefault(value, []).append(number)
    tagged: dict[str, list[Tag]] = {}
    for tag in tags:
        tagged.setdefault(tag.agent_id, []).append(tag)
    found = Rows()
    for agent in sorted(agents):
        good = [t for t in tagged.get(agent, []) if id_at(t.row) == agent]
        found.stale_tags += [t.metadata_id for t in tagged.get(agent, []) if t not in good[:1]]
        holding = rows_with.get(agent, [])
        if good:
            row = good[0].row
        elif holding:
            row = holding[0]
            found.new_tags.append((agent, row))
        else:
            continue
        found.of[agent] = row
        others = [n for n in holding if n != row]
        if others:
            found.copies[agent] = others
    return found
