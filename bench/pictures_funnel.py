"""How long the class funnel takes for 20 classes of 50 agents: the view model from the facts,
then the PNG (matplotlib's Agg canvas). Prints the figures; not a timed test."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from bot.pictures import render, views
from bot.pictures.types import STAGES, AgentStages, ClassStages

CLASSES, AGENTS, ROUNDS = 20, 50, 5


def _classes(seed: int = 7) -> list[ClassStages]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 2, 14, tzinfo=UTC)
    found = []
    for c in range(CLASSES):
        begin = start + timedelta(days=7 * c)
        cutoffs = [(f"Day {d}", begin + timedelta(days=d - 1, hours=9)) for d in (1, 2, 3)]
        cutoffs.append(("Now", begin + timedelta(days=14)))
        agents = []
        for a in range(AGENTS):
            reached: dict[str, datetime | None] = {}
            at: datetime | None = begin - timedelta(days=1)
            for stage in STAGES:
                reached[stage] = at
                if at is not None:
                    at = at + timedelta(hours=rng.randint(4, 60)) if rng.random() < 0.85 else None
            agents.append(AgentStages(f"Agent {c:02d}-{a:02d}", reached))
        found.append(ClassStages(f"Class {c + 1:02d} - {begin:%b %d}", cutoffs, agents))
    return found


def main() -> None:
    classes = _classes()
    times_view, times_png = [], []
    size = 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        view = views.funnel(classes)
        middle = time.perf_counter()
        png = render.funnel_png(view)
        render.funnel_alt(view)
        ended = time.perf_counter()
        times_view.append(middle - started)
        times_png.append(ended - middle)
        size = len(png)
    best = min(v + p for v, p in zip(times_view, times_png, strict=True))
    print(f"funnel: {CLASSES} classes x {AGENTS} agents, {len(view.rows)} rows x {len(STAGES)} stages")
    print(
        f"  view model: best {min(times_view) * 1000:.1f} ms, median {sorted(times_view)[ROUNDS // 2] * 1000:.1f} ms"
    )
    print(
        f"  PNG render: best {min(times_png) * 1000:.1f} ms, median {sorted(times_png)[ROUNDS // 2] * 1000:.1f} ms"
    )
    print(f"  total: best {best * 1000:.1f} ms; PNG {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
