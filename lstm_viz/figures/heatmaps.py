"""Units × time heatmaps, one row per quantity: how every gate and state of every unit evolves.

Gates (i, f, o) use their own hue from white (0) to full colour (1); signed quantities (g, c, h, a)
use the diverging orange–white–blue scale centred on 0 and symmetric (±1 for tanh outputs).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._data import LSTM_QUANTITIES, RNN_QUANTITIES, check_step, is_gate, is_lstm, quantity, single_sequence, value_range
from ._layout import STEP_AXIS, UNIT_AXIS, figure_title, finish
from .palette import GATE_NAMES, SIGNED_SCALE, gate_scale, quantity_color, text_shade

ROW_GAPS = 0.33  # total vertical space between rows (fraction of the height), room for the row titles
COLORBAR_THICKNESS = 14


def _colorscale(key: str) -> list:
    return gate_scale(key) if is_gate(key) else SIGNED_SCALE


def _heatmap(key: str, values: np.ndarray, domain: list[float]) -> go.Heatmap:
    """units × time of one (T, H) quantity; float32 halves the payload and is exact to far beyond 3 decimals."""
    lo, hi = value_range(key, values)
    mid = (domain[0] + domain[1]) / 2
    return go.Heatmap(
        z=np.ascontiguousarray(values.T, dtype=np.float32),
        x0=0, dx=1, y0=0, dy=1,
        colorscale=_colorscale(key), zmin=lo, zmax=hi, zmid=None if is_gate(key) else 0.0,
        colorbar={
            "y": mid, "len": domain[1] - domain[0], "yanchor": "middle", "thickness": COLORBAR_THICKNESS,
            "tickvals": [lo, (lo + hi) / 2, hi], "tickformat": ".3~g", "outlinewidth": 0, "x": 1.01,
        },
        hovertemplate=f"step %{{x}}, unit %{{y}}: {key} = %{{z:.3f}}<extra>{GATE_NAMES.get(key, key)}</extra>",
        name=GATE_NAMES.get(key, key),
    )  # fmt: skip


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
    subtitles = [f"<b>{k}</b>  {GATE_NAMES.get(k, k)}" for k in keys]
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=min(0.1, ROW_GAPS / rows),
                        subplot_titles=subtitles)  # fmt: skip
    for row, key in enumerate(keys, start=1):
        domain = list(fig.get_subplot(row, 1).yaxis.domain)
        fig.add_trace(_heatmap(key, quantity(trace, key), domain), row=row, col=1)
        fig.update_yaxes(autorange="reversed", title_text=UNIT_AXIS, showgrid=False, tickformat="d", row=row, col=1)
    for ann, key in zip(fig.layout.annotations, keys, strict=True):
        ann.update(x=0, xanchor="left", font={"color": text_shade(quantity_color(key))})
    fig.update_xaxes(showgrid=False, range=[-0.5, trace.steps - 0.5])
    fig.update_xaxes(title_text=STEP_AXIS, row=rows, col=1)
    if t is not None:
        for row in range(1, rows + 1):
            suffix = "" if row == 1 else str(row)
            fig.add_shape(type="line", x0=t, x1=t, xref="x", yref=f"y{suffix} domain", y0=-0.02, y1=1.02,
                          line={"color": "#1A1A1A", "width": 2}, layer="above")  # fmt: skip
    where = f"cursor at step t = {t}" if t is not None else f"{trace.steps} steps"
    fig.update_layout(title=figure_title("Every unit over time", f"{trace.hidden_size} units · {where}"))
    return finish(fig)
