"""Small pieces every figure shares: number formatting, titles, stacked rows, and building the themed figure."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..number_text import num
from .palette import MUTED
from .theme import LOOKS, theme_layout

STEP_AXIS = "step t"
UNIT_AXIS = "unit"


def figure_title(text: str, subtitle: str | None = None) -> dict:
    """A layout title (left-aligned by the theme) with an optional one-line subtitle in muted text."""
    out = {"text": f"<b>{text}</b>"}
    if subtitle:
        out["subtitle"] = {"text": subtitle, "font": {"color": MUTED}}
    return out


SUBTITLE_ROOM = 30  # px of top margin a one-line subtitle needs below the title (screen sizes)


def make_figure(data: list, layout: dict, frames: list | None = None) -> go.Figure:
    """The figure, built in one go from plain dicts and themed for the screen (room made for a subtitle).

    Builders assemble dicts and construct once: Plotly's incremental ``update_*``/``add_*`` calls
    validate property by property and cost up to a second per figure. The one construction skips those
    checks too (``_validate=False``, as Plotly does for its own templates): they were most of the build
    time left, paid again for every step a student moves to. The dicts are ours, not user input, and
    tests/test_figures_unchecked_build.py runs the checks on every figure instead.
    """
    if (layout.get("title") or {}).get("subtitle") and (layout.get("margin") or {}).get("t") is None:
        layout.setdefault("margin", {})["t"] = LOOKS["screen"].margin[2] + SUBTITLE_ROOM
    theme_layout(layout, "screen")
    return go.Figure(data=data, layout=layout, frames=frames, _validate=False)


def axis_key(kind: str, row: int) -> str:
    """Layout key of row ``row``'s axis (1-based): ("x", 1) -> "xaxis", ("y", 3) -> "yaxis3"."""
    return f"{kind}axis{row if row > 1 else ''}"


def axis_ref(kind: str, row: int) -> str:
    """How traces and shapes name that axis: ("x", 1) -> "x", ("y", 3) -> "y3"."""
    return f"{kind}{row if row > 1 else ''}"


def stacked_rows(heights, gap: float) -> dict:
    """Layout axes for subplots stacked in rows sharing one step/unit axis (ticks under the bottom row only).

    heights: relative row heights, top row first; gap: space between rows as a fraction of the height.
    """
    heights = np.asarray(heights, dtype=float)
    rows = heights.size
    usable = 1.0 - gap * (rows - 1)
    tops = 1.0 - np.concatenate([[0.0], np.cumsum(heights[:-1] / heights.sum() * usable + gap)])
    layout = {}
    for row in range(1, rows + 1):
        top = float(tops[row - 1])
        bottom = max(0.0, top - float(heights[row - 1] / heights.sum() * usable))
        layout[axis_key("x", row)] = {
            "domain": [0.0, 1.0], "anchor": axis_ref("y", row), "showticklabels": row == rows,
            **({"matches": "x"} if row > 1 else {}),
        }  # fmt: skip
        layout[axis_key("y", row)] = {"domain": [bottom, top], "anchor": axis_ref("x", row)}
    return layout


def on_row(trace: dict, row: int) -> dict:
    """``trace`` drawn in row ``row`` of :func:`stacked_rows`."""
    return {**trace, "xaxis": axis_ref("x", row), "yaxis": axis_ref("y", row)}


def row_title(text: str, row: int, color: str) -> dict:
    """A left-aligned title just above row ``row``."""
    return {
        "text": text, "xref": "paper", "x": 0, "xanchor": "left", "yref": f"{axis_ref('y', row)} domain", "y": 1,
        "yanchor": "bottom", "showarrow": False, "font": {"color": color},
    }  # fmt: skip


PLACEHOLDER_LABELS = frozenset({"", "·", "…", "-", "–", "—"})  # step labels meaning "nothing here" (latch's "·")


def check_labels(labels, steps: int) -> list[str]:
    """``labels`` as (T,) strings, or a clear ValueError when there is not one per step."""
    labels = [str(s) for s in labels]
    if len(labels) != steps:
        raise ValueError(f"expected {steps} labels (one per step), got {len(labels)}.")
    return labels


def is_placeholder(label: str) -> bool:
    """True for a step label that says nothing about the step ("·" on the latch's distractor steps)."""
    return label in PLACEHOLDER_LABELS


def x_tick_labels(labels, steps: int, max_ticks: int = 80) -> dict:
    """Axis settings showing ``labels[t]`` under each step (thinned to at most ``max_ticks``)."""
    if labels is None:
        return {}
    labels = check_labels(labels, steps)
    stride = max(1, int(np.ceil(steps / max_ticks)))
    ticks = list(range(0, steps, stride))
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [visible_char(labels[k]) for k in ticks]}


def visible_char(text: str) -> str:
    """Whitespace made visible for labels: ' ' → '␣', newline → '⏎', tab → '⇥'."""
    return text.replace("\n", "⏎").replace("\t", "⇥").replace(" ", "␣") if text.strip() == "" else text


def format_input(row) -> str:
    """How an input vector x_t reads in a label: "one-hot #3", "0.42, 1.00" or "(16 values)"."""
    row = np.asarray(row)
    if row.size > 1 and np.all((row == 0) | (row == 1)) and row.sum() == 1:
        return f"one-hot #{int(np.argmax(row))}"
    if row.size <= 3:
        return ", ".join(num(v, 2) for v in row)
    return f"({row.size} values)"


def units_phrase(count: int) -> str:
    """ "1 unit", "5 units"."""
    return f"{count} unit" if count == 1 else f"{count} units"
