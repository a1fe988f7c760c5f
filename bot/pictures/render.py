"""The pictures drawn as PNG with matplotlib's object API (a Figure and the Agg canvas, no pyplot:
no global state, safe in Bolt's worker threads), each with alt text saying what it shows.

Every cell carries its number or letter, so colour is never the only cue."""

from __future__ import annotations

import io
import threading

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from bot.pictures.types import AttendanceMap, Funnel, PassRates, Rate

DPI = 100
PNG_COMPRESSION = 2
# Slack's alt text for a file is short; the picture's summary, not its every number, goes there.
ALT_TEXT_LIMIT = 1000
FUNNEL_CMAP = "Blues"
# Code colours (a colour-blind-safe palette), by code key; the letters carry the meaning too.
CODE_COLOURS: dict[str, str] = {
    "full_day": "#cfe8cf",
    "tardy_under_1h": "#fde9a9",
    "tardy_over_1h": "#f9c96b",
    "left_early_under_1h": "#fde9a9",
    "left_early_over_1h": "#f9c96b",
    "absent_unapproved": "#e8896f",
    "absent_hr_approved": "#c9d7ee",
    "ncns": "#b2453a",
    "mia": "#d9a7e0",
    "no_longer_employed": "#9a9a9a",
    "": "#ffffff",
}
OTHER_COLOUR = "#dddddd"
MIA_EDGE = "#6a1b9a"


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    # zlib's level 6 (the default) spends most of a large picture's time for a few percent of size.
    FigureCanvasAgg(figure).print_png(out, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return out.getvalue()


def _cut(text: str, limit: int = ALT_TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(label: str, limit: int = 34) -> str:
    """Outside text (a name, a class) as drawn: cut to fit, and never read as matplotlib's
    mathtext (a name with two dollar signs would be typeset, or fail to draw)."""
    cut = label if len(label) <= limit else label[: limit - 1] + "…"
    return cut.replace("$", r"\$")


# -- labels, drawn as one collection ------------------------------------------------------------
# A matplotlib Text per cell costs about half a millisecond to lay out and draw; a funnel of 20
# classes has some 700 of them. The glyphs of each distinct label are laid out once (a cell holds a
# count or a code's letters: few distinct strings) and every cell's label drawn in one collection.
_FONT = FontProperties(family="DejaVu Sans", size=9)
_BOLD = FontProperties(family="DejaVu Sans", size=9, weight="bold")
_paths: dict[tuple[str, str, bool], Path] = {}
_paths_lock = threading.Lock()


def _path(text: str, align: str, bold: bool) -> Path:
    key = (text, align, bold)
    with _paths_lock:
        found = _paths.get(key)
    if found is not None:
        return found
    glyphs = TextPath((0, 0), text, prop=_BOLD if bold else _FONT)
    box = glyphs.get_extents()
    dx = box.x1 if align == "right" else (box.x0 + box.x1) / 2
    # The height of a digit, not of this text, so labels on one row share a baseline.
    dy = 3.3
    path = Path(glyphs.vertices - (dx, dy), glyphs.codes)
    with _paths_lock:
        if len(_paths) < 5000:
            _paths[key] = path
    return path


def _labels(
    axes: Axes,
    items: list[tuple[float, float, str, str]],
    *,
    align: str = "center",
    bold: list[bool] | None = None,
) -> None:
    """Each (x, y, text, colour) drawn at data (x, y), centred or right-aligned there."""
    if not items:
        return
    paths = [_path(t, align, bool(bold and bold[i])) for i, (_x, _y, t, _c) in enumerate(items)]
    collection = PathCollection(
        paths,
        offsets=[(x, y) for x, y, _t, _c in items],
        offset_transform=axes.transData,
        transform=Affine2D().scale(DPI / 72),
        facecolors=[c for _x, _y, _t, c in items],
        edgecolors="none",
    )
    collection.set_clip_on(False)
    axes.add_collection(collection, autolim=False)


def _no_ticks(axes: Axes) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def _column_heads(axes: Axes, heads: list[str]) -> None:
    for x, head in enumerate(heads):
        axes.text(x, -0.6, head, ha="center", va="bottom", fontsize=9)


# -- the funnel ------------------------------------------------------------------------------------
def funnel_png(view: Funnel) -> bytes:
    rows = view.rows
    n = max(1, len(rows))
    row_inches = 0.26
    height = 1.0 + row_inches * n
    figure = Figure(figsize=(11, height), dpi=DPI)
    axes = figure.add_axes((0.28, 0.1 / height, 0.70, (row_inches * n) / height))
    shares = [[(c / r.enrolled if r.enrolled else 0.0) for c in r.counts] for r in rows] or [
        [0.0] * len(view.stages)
    ]
    axes.imshow(shares, cmap=FUNNEL_CMAP, vmin=0, vmax=1.25, aspect="auto", interpolation="nearest")
    _no_ticks(axes)
    _labels(
        axes,
        [
            (x, y, str(count), "white" if shares[y][x] > 0.7 else "black")
            for y, row in enumerate(rows)
            for x, count in enumerate(row.counts)
        ],
    )
    _labels(
        axes,
        [(-0.6, y, f"{_short(r.class_name)} · {r.moment}", "black") for y, r in enumerate(rows)],
        align="right",
    )
    _column_heads(axes, list(view.stages))
    for y in range(1, len(rows)):
        if rows[y].class_name != rows[y - 1].class_name:
            axes.axhline(y - 0.5, color="black", linewidth=1.2)
    if not rows:
        axes.text(3.5, 0, "No class has begun yet", ha="center", va="center")
    figure.text(
        0.01,
        1 - 0.3 / height,
        "Class funnel: agents who reached each stage, by day of the class",
        fontsize=11,
        weight="bold",
    )
    return _png(figure)


def funnel_alt(view: Funnel) -> str:
    latest: dict[str, tuple[str, tuple[int, ...], int]] = {}
    for row in view.rows:
        latest[row.class_name] = (row.moment, row.counts, row.enrolled)
    parts = [
        f"{name} ({moment}): "
        + ", ".join(f"{stage} {count}" for stage, count in zip(view.stages, counts, strict=True))
        for name, (moment, counts, _enrolled) in latest.items()
    ]
    return _cut(
        f"Class funnel for {len(latest)} class(es), agents reaching each stage from enrolment to "
        f"production, by class day. Latest counts: " + "; ".join(parts) + "."
    )


# -- the attendance map -----------------------------------------------------------------------------
def attendance_png(view: AttendanceMap) -> bytes:
    n_agents, n_days = max(1, len(view.agents)), max(1, len(view.days))
    entries = [f"{letter} = {label}" for letter, _code, label in view.legend] + ["boxed ! = MIA not cleared"]
    legend_lines = (len(entries) + 1) // 2
    row_inches, legend_inches = 0.26, 0.2 * legend_lines + 0.2
    height = 0.9 + row_inches * n_agents + legend_inches
    width = 3.4 + 0.9 * n_days
    figure = Figure(figsize=(max(6.0, width), height), dpi=DPI)
    fig_width = max(6.0, width)
    axes = figure.add_axes(
        (2.4 / fig_width, legend_inches / height, 0.9 * n_days / fig_width, row_inches * n_agents / height)
    )
    keys = sorted({c.code for row in view.cells for c in row} | {""})
    index = {k: i for i, k in enumerate(keys)}
    colours = ListedColormap([CODE_COLOURS.get(k, OTHER_COLOUR) for k in keys])
    empty = not view.days or not view.agents
    grid = [[0]] if empty else [[index[c.code] for c in row] for row in view.cells]
    axes.imshow(grid, cmap=colours, vmin=-0.5, vmax=len(keys) - 0.5, aspect="auto", interpolation="nearest")
    _no_ticks(axes)
    cells = [(x, y, cell) for y, row in enumerate(view.cells) for x, cell in enumerate(row)]
    _labels(axes, [(x, y, c.letter, "black") for x, y, c in cells], bold=[c.mia for _x, _y, c in cells])
    _labels(axes, [(-0.6, y, _short(a, 28), "black") for y, a in enumerate(view.agents)], align="right")
    _column_heads(axes, [f"Day {d}" for d in view.days])
    for x, y, cell in cells:
        if cell.mia:
            axes.add_patch(
                Rectangle((x - 0.45, y - 0.42), 0.9, 0.84, fill=False, edgecolor=MIA_EDGE, linewidth=2)
            )
    for x in range(1, n_days):
        axes.axvline(x - 0.5, color="white", linewidth=1.5)
    for y in range(1, len(view.agents)):
        axes.axhline(y - 0.5, color="white", linewidth=1)
    if empty:
        axes.text(
            0, 0, "No agents yet" if not view.agents else "No class day held yet", ha="center", va="center"
        )
    figure.text(
        0.01, 1 - 0.3 / height, f"Attendance: {_short(view.class_name, 50)}", fontsize=11, weight="bold"
    )
    for i, entry in enumerate(entries):
        figure.text(
            0.02 + 0.5 * (i % 2),
            (legend_inches - 0.25 - 0.2 * (i // 2)) / height,
            _short(entry, 48),
            fontsize=8,
        )
    return _png(figure)


def attendance_alt(view: AttendanceMap) -> str:
    mias = sum(1 for row in view.cells for c in row if c.mia)
    counts: dict[str, int] = {}
    for row in view.cells:
        for cell in row:
            if cell.code:
                counts[cell.code] = counts.get(cell.code, 0) + 1
    labels = {code: label for _letter, code, label in view.legend}
    summary = ", ".join(f"{labels.get(k, k)} {n}" for k, n in counts.items()) or "no codes yet"
    missing = [
        f"{name} (day {', '.join(str(view.days[i]) for i, c in enumerate(row) if c.mia)})"
        for name, row in zip(view.agents, view.cells, strict=True)
        if any(c.mia for c in row)
    ]
    return _cut(
        f"Attendance map of {view.class_name}: {len(view.agents)} agents by {len(view.days)} class day(s), "
        f"each cell the day's code. Codes: {summary}. {mias} MIA(s) not cleared"
        + (f": {'; '.join(missing)}." if missing else ".")
    )


# -- first-attempt pass rates ------------------------------------------------------------------------
def _bars(axes: Axes, rates: list[Rate], title: str) -> None:
    labels = [_short(r.label, 24) for r in rates] or ["(none yet)"]
    values = [r.percent or 0.0 for r in rates] or [0.0]
    ys = range(len(labels))
    axes.barh(ys, values, color="#4a7ab5", height=0.6)
    axes.set_yticks(ys, labels=labels, fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, 118)
    axes.set_xticks([0, 25, 50, 75, 100], labels=["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    for y, rate in enumerate(rates):
        text = f"{rate.percent:.0f}% ({rate.first_try}/{rate.attempted})" if rate.attempted else "no attempts"
        axes.text(min(values[y], 100) + 1.5, y, text, va="center", fontsize=8.5)
    axes.set_title(title, fontsize=10, loc="left")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def pass_rates_png(view: PassRates) -> bytes:
    rows = max(len(view.by_exam), len(view.by_tl), 1)
    height = 1.3 + 0.4 * rows
    figure = Figure(figsize=(10, height), dpi=DPI)
    bottom, top = 0.5 / height, 1 - 0.75 / height
    left_axes = figure.add_axes((0.13, bottom, 0.33, top - bottom))
    right_axes = figure.add_axes((0.62, bottom, 0.33, top - bottom))
    _bars(left_axes, view.by_exam, "Per carrier")
    _bars(right_axes, view.by_tl, "Per team lead")
    figure.text(
        0.01,
        1 - 0.3 / height,
        f"First-attempt pass rates over the last {len(view.classes)} class(es)",
        fontsize=11,
        weight="bold",
    )
    return _png(figure)


def _rates_text(rates: list[Rate]) -> str:
    return (
        ", ".join(
            f"{r.label} {r.percent:.0f}% ({r.first_try} of {r.attempted})"
            if r.attempted
            else f"{r.label} no attempts"
            for r in rates
        )
        or "no exams taken yet"
    )


def pass_rates_alt(view: PassRates) -> str:
    return _cut(
        f"First-attempt pass rates over the last {len(view.classes)} class(es) "
        f"({', '.join(view.classes) or 'none'}). Per carrier: {_rates_text(view.by_exam)}. "
        f"Per team lead: {_rates_text(view.by_tl)}."
    )
