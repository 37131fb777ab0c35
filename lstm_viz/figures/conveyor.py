"""The cell state as a conveyor belt: what each step keeps, what it writes, and what the cell shows.

Top row, one unit over time:  c_t = f_t·c_{t−1} (kept, an area from 0) + i_t·g_t (written, the band on top),
c_t as a thick line on top, h_t = o_t·tanh(c_t) dashed.  Bottom row: the gates f_t, i_t, o_t in [0, 1].

The animation reveals the sequence step by step. Every trace holds the whole sequence once; a frame
moves only a translucent "curtain" over the steps not yet reached and a cursor at step t, so a
2000-step sequence costs a few numbers per frame instead of a copy of the data.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._animation import frame_steps, play_controls
from ._data import check_step, check_unit, is_lstm, nice_ceil, single_sequence
from ._layout import (
    STEP_AXIS,
    SUBTITLE_ROOM,
    axis_key,
    check_labels,
    figure_title,
    is_placeholder,
    make_figure,
    num,
    on_row,
    stacked_rows,
    visible_char,
)
from .palette import GATE_COLORS, GATE_SYMBOLS, INK, mix
from .theme import LOOKS, MIN_SCREEN_TEXT

CURTAIN = "rgba(255, 255, 255, 0.86)"  # the future stays faintly visible through it
AREA_WEIGHT = 0.55  # areas are lighter than the lines drawn over them
ROW_HEIGHTS = (0.68, 0.32)
ROW_GAP = 0.06
LEGEND_ROW = 28  # px of top margin for the legend's row (screen sizes)
BELT_EQUATION = "c<sub>t</sub> = kept f·c<sub>t−1</sub> + written i·g  ·  h<sub>t</sub> = o·tanh(c<sub>t</sub>)"
ROW_MARKERS = ((1, ("c", "h")), (2, ("f", "i", "o")))  # which lines get a labelled dot at the cursor, per row
MARKERS_UP_TO = 80  # steps: short sequences get a dot per step on c_t, so each step reads as one value
LABELS_FLIP_AT = 0.8  # fraction of the sequence after which the cursor's labels move to its left
LABEL_CLEARANCE = 0.1  # of a row's y range: about one label's height in the shorter (gate) row at 560 px
NO_LABEL = " "  # a dot whose value another label names: blank, not empty, as plotly.js creates a point's
# text only when it has some, and animation frames (redraw=False) update texts but never create them
THIN_LINES_FROM = 300  # steps: beyond this, lines are drawn thinner so they do not merge into a band
# Tick labels under the belt: each costs render time (the export renders the belt at every scrubbed step),
# so characters are thinned to CHAR_TICKS, longer labels ("store 0.42") shown only if at most LABEL_TICKS.
CHAR_TICKS = 24
LABEL_TICKS = 4
CHAR_LABEL_LENGTH = 2  # a label this short reads as a character of the text ("a", "␣", "\\n")
NUMBER_TICKS = 6  # step numbers between the labels, about this many across the belt


def _series(trace, unit: int) -> dict[str, np.ndarray]:
    """(T,) copies of everything the figure shows for one unit."""
    keys = ("kept", "written", "c", "h", "f", "i", "o")
    return {k: np.array(getattr(trace, k)[:, unit], dtype=float) for k in keys}


def _belt_range(s: dict) -> tuple[float, float]:
    """A fixed y range holding the kept area, c (the top of the written band) and h, with a margin."""
    values = np.concatenate([s["kept"], s["c"], s["h"], [0.0]])
    values = values[np.isfinite(values)]
    lo, hi = float(values.min()), float(values.max())
    pad = 0.08 * max(hi - lo, 1e-9)
    return lo - pad, hi + pad


def _data_traces(s: dict, labels) -> list[tuple[dict, int]]:
    """The whole sequence, drawn once: (trace, row) pairs.

    kept is the area between 0 and f·c_{t−1}; written is the band from there to c_t (= kept + written).
    Areas are Scatter fills, not Bars: plotly.js drops bar traces when a frame is animated with
    redraw=False.
    """
    steps = len(s["c"])
    # hover "step 5 store 0.25: c = …", and just "step 6: c = …" where the step's label is a placeholder
    text = None if labels is None else ["" if is_placeholder(str(c)) else f" {visible_char(str(c))}" for c in labels]
    where = "step %{x}%{text}" if labels is not None else "step %{x}"
    width = 2.0 if steps <= THIN_LINES_FROM else 1.0

    def line(key, name, row, **style):
        return dict(
            type="scatter", x0=0, dx=1, y=s[key], name=name, mode="lines", text=text,
            hovertemplate=f"{where}: {key} = %{{y:.3f}}<extra></extra>", **style,
        ), row  # fmt: skip

    kept = dict(
        type="scatter", x0=0, dx=1, y=s["kept"], name="kept  f·c<sub>t−1</sub>", mode="lines", text=text,
        fill="tozeroy",
        fillcolor=mix(GATE_COLORS["f"], AREA_WEIGHT, "#FFFFFF"), line={"color": GATE_COLORS["f"], "width": 0.8},
        hovertemplate=f"{where}: kept f·c = %{{y:.3f}}<extra></extra>",
    )  # fmt: skip
    written = dict(
        type="scatter", x0=0, dx=1, y=s["c"], name="written  i·g", mode="lines", fill="tonexty", text=text,
        customdata=s["written"],
        fillcolor=mix(GATE_COLORS["i"], AREA_WEIGHT, "#FFFFFF"), line={"width": 0},
        hovertemplate=f"{where}: written i·g = %{{customdata:.3f}}<extra></extra>",
    )  # fmt: skip
    c_line = line("c", "cell state c<sub>t</sub>", 1, line={"color": GATE_COLORS["c"], "width": width + 1})
    if steps <= MARKERS_UP_TO:
        c_line[0].update(mode="lines+markers", marker_size=5)
    h_line = line("h", "hidden h<sub>t</sub> = o·tanh(c)", 1,
                  line={"color": GATE_COLORS["h"], "width": width + 0.5, "dash": "dash"})  # fmt: skip
    gates = [
        line(k, f"gate {GATE_SYMBOLS[k]}", 2, line={"color": GATE_COLORS[k], "width": width}, showlegend=False)
        for k in ("f", "i", "o")
    ]
    return [(kept, 1), (written, 1), c_line, h_line, *gates]


def _curtain(step: int, steps: int, y_range) -> dict:
    """A translucent white rectangle over everything after ``step``, its left edge the cursor line at ``step``.

    Drawn as an open path (left edge down, along the bottom, up the right) that reaches past the plot on
    every other side, so only the left edge shows as a line; ``fill="toself"`` closes it for the fill.
    """
    lo, hi = y_range
    reach = hi - lo
    right = steps - 0.5 + 1.0
    return {"x": [step, step, right, right], "y": [hi + reach, lo - reach, lo - reach, hi + reach]}


def _label_clusters(values: list[float], clearance: float) -> list[list[int]]:
    """Indices of ``values`` grouped bottom-up: a value within ``clearance`` of the group below it joins it
    (their labels would overprint), so groups are at least ``clearance`` apart. Non-finite values stand alone."""
    order = sorted(range(len(values)), key=lambda k: (not np.isfinite(values[k]), values[k]))
    groups: list[list[int]] = []
    for k in order:
        last = groups[-1][-1] if groups else None
        if last is not None and np.isfinite(values[k]) and abs(values[k] - values[last]) < clearance:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def _cluster_text(keys, values, members: list[int]) -> str:
    """One label for dots that sit together: "f = i = 1.000" when they read the same, else "f 0.998 · i 0.990"."""
    members = sorted(members, key=lambda k: -values[k] if np.isfinite(values[k]) else np.inf)
    shown = [num(values[k]) for k in members]
    if len(set(shown)) == 1:
        return " = ".join([*(keys[k] for k in members), shown[0]])
    return " · ".join(f"{keys[k]} = {text}" for k, text in zip(members, shown, strict=True))


def _markers(step: int, s: dict, keys, y_range) -> dict:
    """Dots on the lines at ``step``, labelled with their values, labels never overprinting.

    Dots closer than a label's height (LABEL_CLEARANCE of the row's range) share one label; of the labels
    left, the highest sits above its dot and the lowest below (unless that would push it past the row's
    edge), so neighbouring labels stay apart; a single label sits above its dot (below, at the row's top).
    Labels move to the left once the cursor nears the right edge.
    """
    values = [float(s[k][step]) for k in keys]
    lo, hi = y_range
    clearance = LABEL_CLEARANCE * (hi - lo)
    groups = _label_clusters(values, clearance)
    side = "left" if step > LABELS_FLIP_AT * (len(s["c"]) - 1) else "right"
    text, where = [NO_LABEL] * len(keys), [f"middle {side}"] * len(keys)
    for n, members in enumerate(groups):
        anchor = max(members, key=lambda k: values[k] if np.isfinite(values[k]) else -np.inf)
        text[anchor] = _cluster_text(keys, values, members)
        value = values[anchor]
        if len(groups) == 1:  # one label: off its line (a gate held at 1 ran straight through it), inside the row
            where[anchor] = f"{'top' if hi - value >= clearance else 'bottom'} {side}"
        elif n == len(groups) - 1 and not hi - value < clearance:
            where[anchor] = f"top {side}"
        elif n == 0 and not value - lo < clearance:
            where[anchor] = f"bottom {side}"
    return {"x": [step] * len(keys), "y": values, "text": text, "textposition": where}


def _overlay_traces(step: int, s: dict, steps: int, ranges) -> list[tuple[dict, int]]:
    """The parts that move, per row, drawn over the data: the curtain (whose edge is the cursor) and the dots.

    Two traces a row, not three: every trace in every frame costs Plotly ~0.2 ms to build.
    """
    out = []
    for row, keys in ROW_MARKERS:
        out.append(({
            "type": "scatter", **_curtain(step, steps, ranges[row - 1]), "fill": "toself", "fillcolor": CURTAIN,
            "mode": "lines", "line": {"color": INK, "width": 1.5, "dash": "dot"}, "hoverinfo": "skip",
            "showlegend": False, "name": "not yet",
        }, row))  # fmt: skip
        out.append(({
            "type": "scatter", **_markers(step, s, keys, ranges[row - 1]), "mode": "markers+text", "hoverinfo": "skip",
            "marker": {"color": [GATE_COLORS[k] for k in keys], "size": 10, "line": {"color": "#FFFFFF", "width": 1.5}},
            "textfont": {"color": INK, "size": MIN_SCREEN_TEXT}, "showlegend": False, "cliponaxis": False,
        }, row))  # fmt: skip
    return out


def _frame(step: int, s: dict, steps: int, ranges, first_overlay: int) -> dict:
    """Only the overlay's coordinates change from frame to frame."""
    data = []
    for row, keys in ROW_MARKERS:
        data += [_curtain(step, steps, ranges[row - 1]), _markers(step, s, keys, ranges[row - 1])]
    return {"name": str(step), "data": data, "traces": list(range(first_overlay, first_overlay + len(data)))}


def _belt_ticks(labels: list[str] | None, steps: int) -> dict:
    """x ticks: the informative step labels where they fit, step numbers elsewhere; placeholders ("·") never.

    Characters (a text) label up to CHAR_TICKS evenly spaced steps; a few longer labels ("store 0.42",
    "read") stand at their steps among round step numbers; many long labels are left to the hover.
    """
    if labels is None:
        return {}
    text = [visible_char(s) for s in labels]
    informative = [k for k, s in enumerate(text) if not is_placeholder(s)]
    chars = all(len(text[k]) <= CHAR_LABEL_LENGTH for k in informative)
    limit = CHAR_TICKS if chars else LABEL_TICKS
    if not informative or (len(informative) > limit and not chars):
        return {}  # plotly's own step numbers: the cheapest ticks
    shown = informative[:: int(np.ceil(len(informative) / limit))]
    if len(informative) == steps:  # a character under every step: no room for numbers
        return {"tickmode": "array", "tickvals": shown, "ticktext": [text[k] for k in shown]}
    stride = int(np.ceil(nice_ceil(steps / NUMBER_TICKS))) if steps > NUMBER_TICKS else 1
    numbers = [n for n in range(0, steps, stride) if all(abs(n - k) >= stride / 2 for k in shown)]
    ticks = sorted([(k, text[k]) for k in shown] + [(n, str(n)) for n in numbers])
    return {"tickmode": "array", "tickvals": [k for k, _ in ticks], "ticktext": [s for _, s in ticks]}


def _slider_suffix(labels: list[str] | None, step: int) -> str:
    """ "  o" after the slider's step number: the step's label, unless there is none or it says nothing."""
    if labels is None or is_placeholder(visible_char(labels[step])):
        return ""
    return f"  {visible_char(labels[step])}"


def conveyor_belt(trace, unit: int = 0, t: int | None = None, animate: bool = True, x_labels=None, *,
                  sample: int = 0) -> go.Figure:  # fmt: skip
    """The cell state of ``unit`` over time: kept + written = c_t, h_t, and the gates f, i, o below.

    trace: ``LSTMTrace`` with (T, H) arrays (batched: sequence ``sample``).
    t: the step the static figure shows (curtain after it; the slider's frame for t is active);
       None shows the whole sequence. animate: add frames, ▶/❚❚ buttons and a step slider.
    x_labels: (T,) strings shown under the steps and on hover (characters, "0.42 ★marker", ...).
    """
    if not is_lstm(trace):
        raise ValueError("conveyor_belt shows an LSTM's cell state; it needs an LSTMTrace.")
    trace = single_sequence(trace, sample)
    unit = check_unit(trace, unit)
    steps = trace.steps
    shown = steps - 1 if t is None else check_step(trace, t)
    x_labels = check_labels(x_labels, steps) if x_labels is not None else None
    ticks = _belt_ticks(x_labels, steps)
    s = _series(trace, unit)
    ranges = (_belt_range(s), (-0.04, 1.12))

    layout = stacked_rows(ROW_HEIGHTS, ROW_GAP)
    parts = _data_traces(s, x_labels) + _overlay_traces(shown, s, steps, ranges)
    data = [on_row(item, row) for item, row in parts]
    for row in (1, 2):
        layout[axis_key("x", row)].update(range=[-0.5, steps - 0.5], **ticks)
    layout["xaxis2"]["title"] = {"text": STEP_AXIS}
    layout["yaxis"].update(range=list(ranges[0]), title={"text": "value in the cell"}, zeroline=True)
    layout["yaxis2"].update(range=list(ranges[1]), title={"text": "gate"}, tickvals=[0, 0.5, 1])
    layout.update(
        title=figure_title(f"The cell state as a conveyor belt, unit {unit}", BELT_EQUATION),
        hovermode="x",
        legend={"orientation": "h", "traceorder": "normal", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        # the legend gets a row of its own above the plot: beside the subtitle it would overlap it on narrow charts
        margin={"t": LOOKS["screen"].margin[2] + SUBTITLE_ROOM + LEGEND_ROW},
    )  # fmt: skip
    frames = None
    if animate:
        chosen = frame_steps(steps, t)
        first_overlay = len(parts) - 2 * len(ROW_MARKERS)
        frames = [_frame(int(k), s, steps, ranges, first_overlay) for k in chosen]
        labels = [f"{k}" + _slider_suffix(x_labels, k) for k in chosen]
        active = int(np.searchsorted(chosen, shown))
        play_from = active if t is not None and active < len(chosen) - 1 else 0
        layout.update(play_controls([str(k) for k in chosen], labels, active, play_from))
    return make_figure(data, layout, frames)
