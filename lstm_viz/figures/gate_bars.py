"""Every unit at one step: one row of bars per quantity (i, f, g, o, c, h), the focused unit highlighted.

Rows share the unit axis, so a unit reads as one column from its gates down to its output. Each row's
y range is fixed over the whole sequence (gates 0..1, tanh outputs −1..1, c ±max|c|), so stepping
through time moves the bars, never the axes.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._data import (
    LSTM_QUANTITIES,
    RNN_QUANTITIES,
    check_step,
    check_unit,
    is_lstm,
    quantity,
    single_sequence,
    value_range,
)
from ._layout import (
    UNIT_AXIS,
    axis_key,
    axis_ref,
    figure_title,
    make_figure,
    num,
    on_row,
    stacked_rows,
    units_phrase,
)
from .palette import GATE_NAMES, INK, mix, quantity_color, text_shade

ROW_GAP = 0.035  # between rows, as a fraction of the plotting height
LABEL_ROOM = 0.18  # of a row's range, kept free above the bars for the focused bar's value
DTICK_UP_TO = 16  # units: up to this many, every unit gets its own tick (more would overlap in a half-width column)
UNFOCUSED_WEIGHT = 0.45  # other units' bars: their colour blended this far from white
FOCUS_BAND = "rgba(26, 26, 26, 0.07)"


def _row(key: str, values: np.ndarray, t: int, focus: int | None) -> dict:
    """The bars of one quantity at step t: (H,) values, the focused one in full colour and labelled."""
    color = quantity_color(key)
    hidden = values.shape[1]
    at_t = np.array(values[t])
    focused = np.arange(hidden) == focus
    colors = [color if on or focus is None else mix(color, UNFOCUSED_WEIGHT, base="#FFFFFF") for on in focused]
    return {
        "type": "bar",
        "x": np.arange(hidden),
        "y": at_t,
        "marker": {"color": colors, "line": {"color": [INK if on else color for on in focused], "width": 1}},
        "text": [num(v) if on else "" for v, on in zip(at_t, focused, strict=True)],
        "textposition": "outside",
        "constraintext": "none",  # else Plotly shrinks the label to its bar's width: unreadable at H = 32
        "cliponaxis": False,
        "textfont": {"color": text_shade(color)},
        "name": GATE_NAMES.get(key, key),
        "hovertemplate": f"unit %{{x}}: {key} = %{{y:.3f}}<extra>{GATE_NAMES.get(key, key)}</extra>",
        "showlegend": False,
    }


def _y_axis(key: str, values: np.ndarray) -> dict:
    """A y axis fixed over the whole sequence, with room above (and below) for the focused bar's label."""
    lo, hi = value_range(key, values)
    pad = LABEL_ROOM * (hi - lo)
    return {
        "range": [lo - (pad if lo < 0 else 0), hi + pad], "tickvals": [lo, 0, hi] if lo < 0 else [0, hi],
        "tickformat": ".2~f", "zeroline": True, "zerolinecolor": "#9A9A9A", "fixedrange": True,
    }  # fmt: skip


def gate_bars(trace, t: int, focus_unit: int | None = None, quantities=None, *, sample: int = 0) -> go.Figure:
    """All units at step ``t``: bars of i, f, g, o, c, h (a, h for an RNN trace), one row each.

    trace: ``LSTMTrace`` or ``RNNTrace``, (T, H) arrays (batched: sequence ``sample``).
    focus_unit: the unit drawn in full colour, with its value written on the bar and a band behind it.
    """
    trace = single_sequence(trace, sample)
    t = check_step(trace, t)
    if focus_unit is not None:
        focus_unit = check_unit(trace, focus_unit)
    keys = tuple(quantities or (LSTM_QUANTITIES if is_lstm(trace) else RNN_QUANTITIES))
    hidden = trace.hidden_size
    layout = stacked_rows([1] * len(keys), ROW_GAP)
    data, annotations, shapes = [], [], []
    for row, key in enumerate(keys, start=1):
        values = quantity(trace, key)
        data.append(on_row(_row(key, values, t, focus_unit), row))
        layout[axis_key("y", row)].update(_y_axis(key, values))
        layout[axis_key("x", row)].update(
            range=[-0.6, hidden - 0.4], fixedrange=True, **({"dtick": 1} if hidden <= DTICK_UP_TO else {})
        )
        annotations.append({
            "text": f"<b>{key}</b> {GATE_NAMES.get(key, key)}", "xref": "paper", "x": 1.01, "xanchor": "left",
            "yref": f"{axis_ref('y', row)} domain", "y": 0.5, "showarrow": False,
            "font": {"color": text_shade(quantity_color(key))},
        })  # fmt: skip
        if focus_unit is not None:
            shapes.append({
                "type": "rect", "xref": axis_ref("x", row), "yref": f"{axis_ref('y', row)} domain",
                "x0": focus_unit - 0.5, "x1": focus_unit + 0.5, "y0": 0, "y1": 1,
                "fillcolor": FOCUS_BAND, "line": {"width": 0}, "layer": "below",
            })  # fmt: skip
    layout[axis_key("x", len(keys))]["title"] = {"text": UNIT_AXIS}
    focus = f", unit {focus_unit} highlighted" if focus_unit is not None else ""
    layout.update(
        title=figure_title(f"All units at step t = {t}", f"{units_phrase(hidden)}{focus}"),
        annotations=annotations, shapes=shapes, bargap=0.25, margin={"r": 130},
    )  # fmt: skip
    return make_figure(data, layout)
