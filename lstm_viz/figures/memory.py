"""What a unit remembers, read along the text: Karpathy-style coloured characters, and how strongly each
input still reaches the last output (‖∂y_T/∂x_t‖) for an LSTM and a vanilla RNN.
"""

from __future__ import annotations

from html import escape as html_escape

import numpy as np
import plotly.graph_objects as go

from ._data import nice_ceil
from ._layout import (
    STEP_AXIS,
    axis_key,
    figure_title,
    make_figure,
    num,
    on_row,
    row_title,
    stacked_rows,
    visible_char,
    x_tick_labels,
)
from .palette import (
    GATE_NAMES,
    GATE_SCALE,
    SIGNED_SCALE,
    distinct_colors,
    gate_scale,
    model_color,
    scale_color,
    text_color_on,
    text_shade,
)
from .theme import MONO_FAMILY, SCREEN_HINT_KEY

ROW_GAP = 0.12  # between the models' rows (room for their titles)
LINE_WIDTH = 60  # characters per line, as in Karpathy's cell visualisations
LINE_PX = 26  # height of one line of text (screen); the figure grows with the text
TEXT_MARGIN_PX = 170  # title, subtitle, colourbar and margins around the lines (screen sizes)
TEXT_HINT = "hover a character for its step and value"
CELL_CHARS = 10  # a step label longer than this ("0.86 ★marker") is cut to fit its cell, in full on hover
ELLIPSIS = "…"


def _grid(values: np.ndarray, width: int) -> np.ndarray:
    """(T,) → (lines, width), row-major like reading; the tail of the last line is NaN (uncoloured)."""
    lines = int(np.ceil(values.size / width))
    grid = np.full(lines * width, np.nan)
    grid[: values.size] = values
    return grid.reshape(lines, width)


def _scale(scale: str, value_name: str, values: np.ndarray) -> dict:
    if scale == "gate":
        colors = gate_scale(value_name) if value_name in ("i", "f", "o") else GATE_SCALE
        return {"colorscale": colors, "zmin": 0.0, "zmax": 1.0}
    if scale == "signed":
        finite = np.abs(values[np.isfinite(values)])
        bound = nice_ceil(float(finite.max())) if finite.size and finite.max() > 0 else 1.0
        return {"colorscale": SIGNED_SCALE, "zmin": -bound, "zmax": bound, "zmid": 0.0}
    raise ValueError(f"scale must be 'signed' or 'gate', got {scale!r}.")


def _cell_chars(chars: list[str]) -> int:
    """How many characters wide a cell is: 1 for a text, the longest label (at most CELL_CHARS) otherwise."""
    return min(max(len(visible_char(c)) for c in chars), CELL_CHARS)


def _cell_text(char: str, value: float, colors: dict) -> str:
    """The label on one cell, cut to CELL_CHARS, in white on a dark cell and in ink on a light one."""
    label = visible_char(char).replace("␣", " ")
    if len(label) > CELL_CHARS:
        label = label[: CELL_CHARS - 1].rstrip() + ELLIPSIS
    lo, hi = colors["zmin"], colors["zmax"]
    fill = scale_color(colors["colorscale"], (value - lo) / (hi - lo)) if np.isfinite(value) else "#FFFFFF"
    return f"<span style='color:{text_color_on(fill)}'>{html_escape(label, quote=False)}</span>"


def text_heat(chars, values, title: str | None = None, scale: str = "signed", *, value_name: str = "value",
              width: int = LINE_WIDTH, step_labels=None) -> go.Figure:  # fmt: skip
    """The text, ``width`` characters a line, each character on a cell coloured by its value.

    chars: a string or (T,) sequence of one-character strings; values: (T,) numbers, e.g. one unit's c_t
    or a gate. scale: "signed" (diverging, centred on 0) or "gate" (0..1). value_name names the value
    on hover ("c", "f", ...). step_labels: (T,) what each step was, for the hover, when ``chars`` only stand
    for the steps (a • for "0.42"); default: the character itself.
    """
    chars = list(chars)
    values = np.array(values, dtype=float).reshape(-1)
    if len(chars) != values.size:
        raise ValueError(f"chars and values must have the same length, got {len(chars)} and {values.size}.")
    if values.size == 0:
        raise ValueError("text_heat needs at least one character.")
    chars = [str(c) for c in chars]
    cell = _cell_chars(chars)
    width = min(max(1, int(width) // cell), values.size)  # lines stay ``width`` characters wide
    z = _grid(values, width)
    lines = z.shape[0]
    shown = _grid(np.arange(values.size), width)
    colors = _scale(scale, value_name, values)
    text = [["" if np.isnan(k) else _cell_text(chars[int(k)], values[int(k)], colors) for k in row] for row in shown]
    if step_labels is not None and len(step_labels) != values.size:
        raise ValueError(f"step_labels must have one label per value, got {len(step_labels)} for {values.size}.")
    said = [str(label) for label in step_labels] if step_labels is not None else [f"'{visible_char(c)}'" for c in chars]
    hover = [["" if np.isnan(k) else f"step {int(k)} {said[int(k)]}: {value_name} = {num(values[int(k)])}"
              for k in row] for row in shown]  # fmt: skip
    heat = {
        "type": "heatmap", "z": z, "text": text, "texttemplate": "%{text}", "hovertext": hover, "hoverinfo": "text",
        "xgap": 1, "ygap": 3, "textfont": {"family": MONO_FAMILY, "size": 15}, **colors,
        # no colourbar title: the figure's title names the quantity, and above the bar it ran into the text row
        "colorbar": {"orientation": "h", "thickness": 10, "len": 0.3,
                     "x": 1, "xanchor": "right", "y": -0.04, "yanchor": "top", "ypad": 0, "outlinewidth": 0,
                     "tickformat": ".3~g"},
    }  # fmt: skip
    name = GATE_NAMES.get(value_name, value_name)
    layout = {
        "xaxis": {"visible": False, "range": [-0.5, width - 0.5]},
        "yaxis": {"visible": False, "range": [lines - 0.5, -0.5]},
        "title": figure_title(title or f"The text coloured by {name}", TEXT_HINT),
        "height": TEXT_MARGIN_PX + LINE_PX * lines,
        "meta": {SCREEN_HINT_KEY: TEXT_HINT},  # not on paper
    }
    return make_figure([heat], layout)


def connectivity_bars(connectivity, labels=None, log: bool = True) -> go.Figure:
    """‖∂y_T/∂x_t‖ per input step, one row of bars per model, sharing the y axis so the rows compare.

    connectivity: mapping label -> (T,) array (e.g. {"LSTM": a, "RNN": b}); labels: (T,) step labels
    (the characters of the sequence), shown under the steps. log: logarithmic y (default), where
    exact zeros cannot be drawn and are counted in the row title instead.
    """
    if not connectivity:
        raise ValueError("connectivity_bars needs at least one model's (T,) array.")
    series = {name: np.array(v, dtype=float).reshape(-1) for name, v in connectivity.items()}
    steps = {v.size for v in series.values()}
    if len(steps) != 1:
        raise ValueError(f"every model's array must have the same length (one value per step), got {sorted(steps)}.")
    (length,) = steps
    colors = distinct_colors([model_color(name, n) for n, name in enumerate(series)])
    rows = len(series)
    layout = stacked_rows([1] * rows, ROW_GAP)
    hover_step = "step %{x} %{customdata}" if labels is not None else "step %{x}"
    custom = [f"'{visible_char(str(c))}'" for c in labels] if labels is not None else None
    y_axis = _shared_y(series.values(), log)
    data, titles = [], []
    for row, ((name, v), color) in enumerate(zip(series.items(), colors, strict=True), start=1):
        drawable = np.where(np.isfinite(v) & ((v > 0) if log else True), v, np.nan)
        data.append(on_row({
            "type": "bar", "x": np.arange(length), "y": drawable, "name": name, "customdata": custom,
            "marker": {"color": color, "line": {"width": 0}}, "showlegend": False,
            "hovertemplate": f"{hover_step}: ‖∂y<sub>T</sub>/∂x<sub>t</sub>‖ = %{{y:.3e}}<extra>{name}</extra>",
        }, row))  # fmt: skip
        layout[axis_key("y", row)].update(title={"text": "‖∂y<sub>T</sub>/∂x<sub>t</sub>‖"}, **y_axis)
        layout[axis_key("x", row)].update(range=[-0.5, length - 0.5], **x_tick_labels(labels, length))
        titles.append(row_title(_row_title(name, v, log), row, text_shade(color)))
    layout[axis_key("x", rows)]["title"] = {"text": STEP_AXIS}
    subtitle = "‖∂y<sub>T</sub>/∂x<sub>t</sub>‖ per input step" + (" (log scale)" if log else "")
    layout.update(
        title=figure_title("How much each input still moves the last output", subtitle),
        annotations=titles,
        bargap=0.15,
    )
    return make_figure(data, layout)


def _row_title(name: str, values: np.ndarray, log: bool) -> str:
    notes = []
    if (~np.isfinite(values)).any():
        notes.append(f"{int((~np.isfinite(values)).sum())} steps overflowed (not drawn)")
    if log and (values[np.isfinite(values)] <= 0).any():
        notes.append(f"{int((values[np.isfinite(values)] <= 0).sum())} steps exactly 0 (not drawn on a log axis)")
    return f"<b>{name}</b>" + (f"  · {', '.join(notes)}" if notes else "")


def _shared_y(series, log: bool) -> dict:
    """One y axis setting for every row, so equal heights mean equal influence."""
    values = np.concatenate([v[np.isfinite(v) & (v > 0)] if log else v[np.isfinite(v)] for v in series])
    if log:
        axis = {"type": "log", "exponentformat": "power"}
        if values.size:
            axis["range"] = [np.floor(np.log10(values.min())), np.ceil(np.log10(values.max())) + 0.05]
        return axis
    if values.size:
        return {"range": [min(0.0, float(values.min())) * 1.05, max(0.0, float(values.max())) * 1.05]}
    return {}
