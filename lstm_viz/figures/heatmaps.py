"""Units × time heatmaps, one row per quantity: how every gate and state of every unit evolves.

Gates (i, f, o) use their own hue from white (0) to full colour (1); signed quantities (g, c, h, a)
use the diverging orange–white–blue scale centred on 0 and symmetric (±1 for tanh outputs).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._data import (
    LSTM_QUANTITIES,
    RNN_QUANTITIES,
    check_step,
    is_gate,
    is_lstm,
    nice_ceil,
    quantity,
    single_sequence,
    value_range,
)
from ._layout import (
    STEP_AXIS,
    UNIT_AXIS,
    axis_key,
    axis_ref,
    figure_title,
    make_figure,
    on_row,
    row_title,
    stacked_rows,
    units_phrase,
)
from .palette import GATE_NAMES, INK, SIGNED_SCALE, gate_scale, quantity_color, text_shade

ROW_GAPS = 0.33  # total vertical space between rows (fraction of the height), room for the row titles
MAX_ROW_GAP = 0.17  # per gap: two rows (an RNN) need ~0.17 of a 450-px figure for a projector-sized title
COLORBAR_THICKNESS = 14
UNIT_TICKS = 3  # about this many unit ticks per row: rows are ~60 px tall in a six-row print at 720 px


def _colorscale(key: str) -> list:
    return gate_scale(key) if is_gate(key) else SIGNED_SCALE


def _heatmap(key: str, values: np.ndarray, domain: list[float]) -> dict:
    """units × time of one (T, H) quantity; float32 halves the payload and is exact to far beyond 3 decimals."""
    lo, hi = value_range(key, values)
    mid = (domain[0] + domain[1]) / 2
    return {
        "type": "heatmap", "z": np.ascontiguousarray(values.T, dtype=np.float32), "x0": 0, "dx": 1, "y0": 0, "dy": 1,
        "colorscale": _colorscale(key), "zmin": lo, "zmax": hi, "zmid": None if is_gate(key) else 0.0,
        "colorbar": {
            "y": mid, "len": domain[1] - domain[0], "yanchor": "middle", "thickness": COLORBAR_THICKNESS,
            # the ends only: a signed scale's white middle is 0, and a third label touched its neighbours on a
            # row ~70 px tall (six rows in a 960 × 540 export)
            "tickvals": [lo, hi], "tickformat": ".3~g", "outlinewidth": 0, "x": 1.01,
        },
        "hovertemplate": f"step %{{x}}, unit %{{y}}: {key} = %{{z:.3f}}<extra>{GATE_NAMES.get(key, key)}</extra>",
        "name": GATE_NAMES.get(key, key),
    }  # fmt: skip


def _unit_ticks(hidden: int) -> dict:
    """Whole unit numbers only (never −1 or 0.5), at a round stride giving about ``UNIT_TICKS`` ticks."""
    stride = 1 if hidden <= UNIT_TICKS else int(np.ceil(nice_ceil(hidden / UNIT_TICKS)))
    units = range(0, hidden, stride)
    return {"tickmode": "array", "tickvals": list(units), "ticktext": [str(k) for k in units]}


def _cursor(t: int, row: int) -> dict:
    """A frame around step ``t``'s column of row ``row``: the cells stay visible (a line over them hid the very
    value the step is about, e.g. the latch's i = 1 at its store step)."""
    return {
        "type": "rect", "xref": axis_ref("x", row), "yref": f"{axis_ref('y', row)} domain",
        "x0": t - 0.5, "x1": t + 0.5, "y0": -0.03, "y1": 1.03,
        "line": {"color": INK, "width": 1.5}, "fillcolor": "rgba(0,0,0,0)", "layer": "above",
    }  # fmt: skip


def gate_heatmaps(trace, t: int | None = None, quantities=None, *, sample: int = 0) -> go.Figure:
    """One units × time heatmap per quantity (rows), with a cursor at step ``t``.

    trace: ``LSTMTrace`` (default rows i, f, g, o, c, h) or ``RNNTrace`` (default a, h), (T, H) arrays.
    Each row's z is the (H, T) transpose of the trace array: z[unit, step].
    """
    trace = single_sequence(trace, sample)
    if t is not None:
        t = check_step(trace, t)
    keys = tuple(quantities or (LSTM_QUANTITIES if is_lstm(trace) else RNN_QUANTITIES))
    rows = len(keys)
    layout = stacked_rows([1] * rows, min(MAX_ROW_GAP, ROW_GAPS / rows))
    data, titles = [], []
    for row, key in enumerate(keys, start=1):
        y_axis = layout[axis_key("y", row)]
        data.append(on_row(_heatmap(key, quantity(trace, key), y_axis["domain"]), row))
        y_axis.update(autorange="reversed", title={"text": UNIT_AXIS}, showgrid=False, **_unit_ticks(trace.hidden_size))
        layout[axis_key("x", row)].update(showgrid=False, range=[-0.5, trace.steps - 0.5])
        titles.append(row_title(f"<b>{key}</b>  {GATE_NAMES.get(key, key)}", row, text_shade(quantity_color(key))))
    layout[axis_key("x", rows)]["title"] = {"text": STEP_AXIS}
    where = f"cursor at step t = {t}" if t is not None else f"{trace.steps} steps"
    layout.update(
        title=figure_title("Every unit over time", f"{units_phrase(trace.hidden_size)} · {where}"),
        annotations=titles,
        shapes=[_cursor(t, row) for row in range(1, rows + 1)] if t is not None else [],
    )
    return make_figure(data, layout)
