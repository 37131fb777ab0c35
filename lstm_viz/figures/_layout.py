"""Small pieces every figure shares: number formatting, titles, axis labels, reference lines, the finishing theme."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .palette import MUTED
from .theme import LOOKS, apply_theme

DIGITS = 3  # every number a student reads is shown to 3 decimals (hover and labels alike)
STEP_AXIS = "step t"
UNIT_AXIS = "unit"
MINUS = "−"  # typographic minus: "−0.300" lines up with "0.300" and reads as a sign, not a hyphen


def num(value: float, digits: int = DIGITS) -> str:
    """A number as a label: fixed decimals, typographic minus, "inf"/"NaN" spelled out."""
    value = float(value)
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    text = f"{value:.{digits}f}"
    if float(text) == 0:  # "-0.000" would suggest a sign the rounded value does not have
        text = text.lstrip("-")
    return text.replace("-", MINUS)


def figure_title(text: str, subtitle: str | None = None) -> dict:
    """A layout title (left-aligned by the theme) with an optional one-line subtitle in muted text."""
    out = {"text": f"<b>{text}</b>"}
    if subtitle:
        out["subtitle"] = {"text": subtitle, "font": {"color": MUTED}}
    return out


SUBTITLE_ROOM = 30  # px of top margin a one-line subtitle needs below the title (screen sizes)


def finish(fig: go.Figure) -> go.Figure:
    """Every figure leaves its builder themed for the screen (room made for a subtitle); callers may re-theme it."""
    if fig.layout.title.subtitle.text and fig.layout.margin.t is None:
        fig.update_layout(margin_t=LOOKS["screen"].margin[2] + SUBTITLE_ROOM)
    return apply_theme(fig, "screen")


def x_tick_labels(labels, steps: int, max_ticks: int = 80) -> dict:
    """Axis settings showing ``labels[t]`` under each step (thinned to at most ``max_ticks``)."""
    if labels is None:
        return {}
    labels = [str(s) for s in labels]
    if len(labels) != steps:
        raise ValueError(f"expected {steps} labels (one per step), got {len(labels)}.")
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
