"""Training loss over time, LSTM against vanilla RNN, on a log axis with the baseline and target drawn in."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._layout import figure_title, make_figure, num
from .palette import MUTED, distinct_colors, model_color, text_shade

TARGET_COLOR = "#009E73"  # Okabe–Ito bluish green: "good enough"


def _steps_and_losses(history) -> tuple[np.ndarray, np.ndarray]:
    """A history is a sequence of losses (steps 0, 1, ...) or a pair (steps, losses); returns copies."""
    if isinstance(history, tuple) and len(history) == 2:
        steps, losses = (np.array(a, dtype=float).reshape(-1) for a in history)
    else:
        losses = np.array(history, dtype=float).reshape(-1)
        steps = np.arange(losses.size, dtype=float)
    if steps.size != losses.size:
        raise ValueError(f"steps and losses must have the same length, got {steps.size} and {losses.size}.")
    return steps, losses


def _reference(value, default_text: str) -> tuple[float, str]:
    """A reference line given as a number or a (number, label) pair."""
    if isinstance(value, tuple):
        return float(value[0]), str(value[1])
    return float(value), f"{default_text} {num(value)}"


def loss_curves(histories, baseline=None, target=None) -> go.Figure:
    """Loss against training step for each model, log y.

    histories: mapping label -> sequence of losses, or -> (steps, losses). Colours follow the label
    ("LSTM…" blue, "…RNN…" vermillion). baseline/target: a number or (number, label), drawn as dashed
    lines (e.g. baseline=(0.167, "baseline MSE 0.167: always answer 1")). Non-finite losses (a diverged
    run) are marked and named, not dropped.
    """
    if not histories:
        raise ValueError("loss_curves needs at least one history.")
    colors = distinct_colors([model_color(label, n) for n, label in enumerate(histories)])
    data, shapes, notes = [], [], []
    for (label, history), color in zip(histories.items(), colors, strict=True):
        steps, losses = _steps_and_losses(history)
        shown = np.where(np.isfinite(losses) & (losses > 0), losses, np.nan)
        data.append({
            "type": "scatter", "x": steps, "y": shown, "mode": "lines", "name": label,
            "line": {"color": color, "width": 2.5},
            "hovertemplate": f"step %{{x}}: loss = %{{y:.4g}}<extra>{label}</extra>",
        })  # fmt: skip
        marker, note = _divergence(steps, losses, label, color)
        data += marker
        notes += note
    for value, default, color, dash in ((baseline, "baseline", MUTED, "dash"), (target, "target", TARGET_COLOR, "dot")):
        if value is not None:
            line, key = _reference_line(*_reference(value, default), color=color, dash=dash)
            halo = {**line, "line": {"color": "white", "width": 5}}  # parts it from a curve lying on it (the RNN's)
            shapes += [halo, line]
            data.append(key)
    layout = {
        "xaxis": {"title": {"text": "training step"}},
        "yaxis": {"type": "log", "exponentformat": "power", "title": {"text": "loss (log scale)"},
                  **_decade_ticks([d["y"] for d in data])},
        "title": figure_title("Training loss", "lower is better; dashed lines are the reference levels"),
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.01, "yanchor": "bottom"},
        "hovermode": "x", "shapes": shapes, "annotations": notes,
    }  # fmt: skip
    return make_figure(data, layout)


def _reference_line(y: float, text: str, color: str, dash: str) -> tuple[dict, dict]:
    """A horizontal line across the plot, and its legend entry: written on the plot, its label lay on the very
    curve that stays at the baseline (an RNN that learns nothing)."""
    line = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
            "line": {"color": color, "width": 2, "dash": dash}}  # fmt: skip
    key = {"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": text, "hoverinfo": "skip",
           "line": {"color": color, "width": 2, "dash": dash}}  # fmt: skip
    return line, key


def _decade_ticks(series) -> dict:
    """Label only whole decades when the losses span two or more (the 2…9 minor labels crowd the axis)."""
    values = np.concatenate([np.asarray(y, dtype=float) for y in series])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size and np.log10(values.max() / values.min()) >= 2:
        return {"dtick": 1}
    return {"dtick": "D2"}


def _divergence(steps: np.ndarray, losses: np.ndarray, label: str, color: str) -> tuple[list, list]:
    """([marker], [note]): an ✕ at the last finite loss before the first NaN/inf, and when it happened."""
    bad = np.flatnonzero(~np.isfinite(losses))
    if bad.size == 0:
        return [], []
    first = int(bad[0])
    before = np.flatnonzero(np.isfinite(losses[:first]) & (losses[:first] > 0))
    y = float(losses[before[-1]]) if before.size else 1.0
    marker = {
        "type": "scatter", "x": [steps[first]], "y": [y], "mode": "markers", "name": f"{label}: diverged",
        "marker": {"symbol": "x", "size": 12, "color": color, "line": {"width": 2}},
        "hovertemplate": f"{label}: loss became NaN/inf at step %{{x}}<extra></extra>",
    }  # fmt: skip
    note = {
        "x": steps[first], "y": np.log10(y), "text": f"{label} diverged at step {steps[first]:g}", "showarrow": True,
        "arrowhead": 2, "ax": 0, "ay": -36, "font": {"color": text_shade(color)}, "arrowcolor": MUTED,
    }  # fmt: skip
    return [marker], [note]
