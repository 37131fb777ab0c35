"""The classic LSTM cell diagram (after colah's), live: every block shows its value at step t for one unit.

Layout (data coordinates, 16 × 9, equal aspect; y grows upwards):

    c_{t-1} ──────(×)──────────(+)────────────┬──────────▶ c_t        cell line, y = 7
                   │     i·g ┌──(×)           (tanh)
                   │         │   │              │
                  [σ]  [σ]  [tanh]  [σ] ──────(×)                   gates, y = 3.6
                   f    i     g      o          │
                   └─────┴─────┴──────┘          │                   [h_{t-1}, x_t] bus, y = 2.4
    h_{t-1} ──┘                                  └──────────▶ h_t     y = 1.5
              x_t ▲

Blocks are filled with their gate colour at an intensity equal to the gate value (|g| for the
candidate); the lines carrying c and h are as wide as tanh(|value|) suggests, so a large flow looks big.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ._data import check_step, check_unit, is_lstm, single_sequence
from ._layout import figure_title, format_input, make_figure, num
from .palette import GATE_COLORS, GATE_NAMES, INK, MUTED, mix, text_color_on, text_shade
from .theme import FIT_HEIGHT_KEY, MIN_SCREEN_TEXT, MIN_WIDTH_KEY

WIDTH, HEIGHT = 16.0, 8.45
CELL_Y, GATE_Y, BUS_Y, H_Y = 7.0, 3.6, 2.4, 1.5
MUL_F = (3.9, CELL_Y)  # forget: c_{t-1} × f
ADD = (7.4, CELL_Y)  # write: + i·g
MUL_IG = (7.4, 5.35)  # i × g
TANH_OUT = (10.75, 5.35)
MUL_O = (10.75, GATE_Y)  # o × tanh(c_t)
MERGE_X = 2.4  # where x_t joins h_{t-1}
BOX = (1.7, 0.85, 13.9, 8.05)  # x0, y0, x1, y1 of the cell body
GATE_X = {"f": 3.9, "i": 5.65, "g": 7.4, "o": 9.15}
BLOCK_W, BLOCK_H = 1.5, 1.05
NODE_R = 0.3
LABEL_SIZE = 14  # px at the screen theme, scaled with it
MIN_WIDTH = 560  # px: narrower, the fixed-size labels run into each other and the wires (a phone's 390 px did)
SMALL_LABEL_SIZE = MIN_SCREEN_TEXT  # σ/tanh in the blocks, gate names, the legend line: still ≥ 14 pt in print
GATE_WORDS = {"f": "forget", "i": "input", "g": "candidate", "o": "output"}
ARROW_SYMBOL = "arrow"  # a solid triangle with its tip on the point, like an annotation's arrowhead
ARROW_SIZE = 7.0  # marker px per unit of plotly's arrowhead scale (line width × arrow size): like its arrowhead 2


@dataclass(frozen=True)
class _Step:
    """The numbers of one unit at one step, as the diagram shows them."""

    i: float
    f: float
    g: float
    o: float
    c_prev: float
    h_prev: float
    c: float
    h: float
    tanh_c: float
    z: dict  # gate -> pre-activation

    @property
    def kept(self) -> float:
        return self.f * self.c_prev

    @property
    def written(self) -> float:
        return self.i * self.g


def _read_step(trace, t: int, unit: int) -> _Step:
    hidden = trace.hidden_size
    z = {k: float(trace.preact[t, n * hidden + unit]) for n, k in enumerate("ifgo")}
    get = {k: float(getattr(trace, k)[t, unit]) for k in ("i", "f", "g", "o", "c", "h", "tanh_c")}
    return _Step(**get, c_prev=float(trace.c_prev[t, unit]), h_prev=float(trace.h_prev[t, unit]), z=z)


def _flow_width(value: float) -> float:
    """Line width (px) hinting the magnitude a line carries: 1.5 px for 0, 8 px for |value| ≫ 1."""
    return 1.5 + 6.5 * float(np.tanh(abs(value))) if np.isfinite(value) else 8.0


def _line(points, color: str, width: float, arrow: bool = False) -> list:
    """Shapes for a polyline; the last segment ends in an arrowhead (a marker, see :func:`_arrows`) when ``arrow``."""
    path = "M " + " L ".join(f"{x},{y}" for x, y in points)
    shapes = [{"type": "path", "path": path, "line": {"color": color, "width": width}, "layer": "below"}]
    return shapes, ([_arrowhead(points[-2], points[-1], color, width)] if arrow else [])


def _arrowhead(start, end, color: str, width: float) -> tuple:
    """(x, y, angle, size, colour) of the arrowhead at ``end`` of the segment from ``start``: tip on ``end``,
    as long as plotly's annotation arrowhead 2 at this line width."""
    angle = float(np.degrees(np.arctan2(end[0] - start[0], end[1] - start[1])))  # clockwise from "up", as plotly
    angle = (angle + 180) % 360 - 180  # in [-180, 180), as plotly's validator would store it
    return end[0], end[1], angle, ARROW_SIZE * width * float(np.clip(4.0 / width, 0.6, 1.4)), color


def _arrows(heads: list) -> dict:
    """Every arrowhead as one marker trace: plotly lays out each annotation on its own, and the 17 arrow
    annotations were about a third of the diagram's draw time in Chromium (redrawn at every step)."""
    xs, ys, angles, sizes, colors = zip(*heads, strict=True)
    return {
        "type": "scatter", "x": xs, "y": ys, "mode": "markers", "hoverinfo": "skip", "showlegend": False,
        "marker": {"symbol": ARROW_SYMBOL, "angle": angles, "size": sizes, "color": colors, "line": {"width": 0},
                   "opacity": 1},  # a size per point makes plotly default to 0.7, as for bubbles
        "name": "arrowheads",
    }  # fmt: skip


def _label(x, y, text, anchor="center", size=LABEL_SIZE, color=INK, bold=False, bg=None) -> dict:
    """A label as a dict; :func:`_texts` draws it as one point of a text trace (an annotation only with ``bg``)."""
    return {"x": x, "y": y, "text": f"<b>{text}</b>" if bold else text, "anchor": anchor, "size": size, "color": color,
            "bg": bg}  # fmt: skip


def _annotation(label: dict) -> dict:
    return {
        "x": label["x"], "y": label["y"], "xref": "x", "yref": "y", "text": label["text"], "showarrow": False,
        "xanchor": label["anchor"], "yanchor": "middle", "font": {"size": label["size"], "color": label["color"]},
        "bgcolor": label["bg"],
    }  # fmt: skip


TEXT_POSITION = {"center": "middle center", "left": "middle right", "right": "middle left"}  # xanchor -> textposition


def _texts(labels: list) -> list:
    """The labels as text traces, one per font size (a trace's text size is what the theme rescales): text in a
    trace is drawn in one pass, where each layout annotation is measured and placed on its own."""
    traces = []
    for size in dict.fromkeys(label["size"] for label in labels):
        group = [label for label in labels if label["size"] == size]
        traces.append({
            "type": "scatter", "mode": "text", "x": [lab["x"] for lab in group], "y": [lab["y"] for lab in group],
            "text": [lab["text"] for lab in group], "textposition": [TEXT_POSITION[lab["anchor"]] for lab in group],
            "textfont": {"size": size, "color": [lab["color"] for lab in group]}, "cliponaxis": False,
            "hoverinfo": "skip", "showlegend": False, "name": "labels",
        })  # fmt: skip
    return traces


def _rounded_rect(x0, y0, x1, y1, r) -> str:
    return (
        f"M {x0 + r},{y0} L {x1 - r},{y0} Q {x1},{y0} {x1},{y0 + r} L {x1},{y1 - r} Q {x1},{y1} {x1 - r},{y1} "
        f"L {x0 + r},{y1} Q {x0},{y1} {x0},{y1 - r} L {x0},{y0 + r} Q {x0},{y0} {x0 + r},{y0} Z"
    )


def _gate_block(key: str, value: float) -> tuple[dict, list]:
    """The filled block of gate ``key``: what it computes ("f = σ") over its value ("0.982").

    The value keeps the three decimals every other label and chart uses (two made g = 0.24 sit beside
    "written i·g = 0.245" at i = 1); the name goes on the function's line so that "−0.245" fits the block.
    """
    x, y = GATE_X[key], GATE_Y
    fill = mix(GATE_COLORS[key], abs(value))
    ink = text_color_on(fill)
    shape = {
        "type": "path",
        "path": _rounded_rect(x - BLOCK_W / 2, y - BLOCK_H / 2, x + BLOCK_W / 2, y + BLOCK_H / 2, 0.12),
        "fillcolor": fill,
        "line": {"color": GATE_COLORS[key], "width": 2.5},
        "layer": "below",  # drawn after the wires; the text traces go on top
    }
    func = "tanh" if key == "g" else "σ"
    return shape, [
        _label(x, y + 0.26, f"{key} = {func}", color=ink, size=SMALL_LABEL_SIZE),
        _label(x, y - 0.14, num(value), color=ink, size=LABEL_SIZE, bold=True),
    ]


def _node(center, symbol: str, width: float | None = None) -> tuple[dict, dict]:
    """A pointwise operation: a white circle (or ellipse for tanh) with its symbol."""
    x, y = center
    rx = (width or 2 * NODE_R) / 2
    shape = {
        "type": "circle", "x0": x - rx, "x1": x + rx, "y0": y - NODE_R, "y1": y + NODE_R,
        "fillcolor": "#FFFFFF", "line": {"color": INK, "width": 1.5}, "layer": "below",
    }  # fmt: skip
    return shape, _label(x, y, symbol, size=LABEL_SIZE + (0 if width else 3))


def _hover_points(s: _Step, t: int, unit: int, x_text: str) -> dict:
    """Invisible markers on every block and port carrying the exact numbers (3 decimals) on hover."""
    where = f"step {t}, unit {unit}"
    points = [
        (GATE_X[k], GATE_Y, f"{GATE_NAMES[k]} {k}<sub>t</sub> = {fn}(z<sub>{k}</sub>) = {fn}({num(s.z[k])}) = "
         f"{num(getattr(s, k))}<br>{where}")
        for k, fn in (("f", "σ"), ("i", "σ"), ("g", "tanh"), ("o", "σ"))
    ]  # fmt: skip
    points += [
        (*MUL_F, f"kept f·c<sub>t−1</sub> = {num(s.f)} × {num(s.c_prev)} = {num(s.kept)}"),
        (*MUL_IG, f"written i·g = {num(s.i)} × {num(s.g)} = {num(s.written)}"),
        (*ADD, f"c<sub>t</sub> = kept + written = {num(s.kept)} + {num(s.written)} = {num(s.c)}"),
        (*TANH_OUT, f"tanh(c<sub>t</sub>) = tanh({num(s.c)}) = {num(s.tanh_c)}"),
        (*MUL_O, f"h<sub>t</sub> = o·tanh(c<sub>t</sub>) = {num(s.o)} × {num(s.tanh_c)} = {num(s.h)}"),
        (MERGE_X, 0.35, f"input x<sub>t</sub> = {x_text}"),
    ]
    xs, ys, texts = zip(*points, strict=True)
    return {
        "type": "scatter", "x": xs, "y": ys, "hovertext": texts, "hoverinfo": "text", "mode": "markers",
        "showlegend": False, "marker": {"size": 28, "color": "rgba(0,0,0,0)"}, "name": "values",
    }  # fmt: skip


def _wires(s: _Step) -> tuple[list, list]:
    """Every line of the cell, coloured by what it carries and as wide as its magnitude."""
    c_col, h_col = GATE_COLORS["c"], GATE_COLORS["h"]
    bus = "#9AA3AD"
    segments = [
        _line([(0.15, CELL_Y), (MUL_F[0] - NODE_R, CELL_Y)], c_col, _flow_width(s.c_prev)),
        _line([(MUL_F[0] + NODE_R, CELL_Y), (ADD[0] - NODE_R, CELL_Y)], c_col, _flow_width(s.kept)),
        _line([(ADD[0] + NODE_R, CELL_Y), (15.85, CELL_Y)], c_col, _flow_width(s.c), arrow=True),
        _line([(TANH_OUT[0], CELL_Y), (TANH_OUT[0], TANH_OUT[1] + NODE_R)], c_col, _flow_width(s.c), arrow=True),
        _line([(TANH_OUT[0], TANH_OUT[1] - NODE_R), (MUL_O[0], MUL_O[1] + NODE_R)], h_col, _flow_width(s.tanh_c), True),
        _line([(MUL_O[0], MUL_O[1] - NODE_R), (MUL_O[0], H_Y), (15.85, H_Y)], h_col, _flow_width(s.h), arrow=True),
        _line(
            [(MUL_IG[0], MUL_IG[1] + NODE_R), (ADD[0], ADD[1] - NODE_R)], GATE_COLORS["i"], _flow_width(s.written), True
        ),
        _line([(0.15, H_Y), (MERGE_X, H_Y)], h_col, _flow_width(s.h_prev)),
        _line([(MERGE_X, H_Y), (MERGE_X, BUS_Y), (GATE_X["o"], BUS_Y)], bus, 3.0),
        _line([(MERGE_X, 0.5), (MERGE_X, H_Y)], GATE_COLORS["x"], 3.0),
    ]
    for key, value in (("f", s.f), ("i", s.i), ("g", s.g), ("o", s.o)):
        x = GATE_X[key]
        segments.append(_line([(x, BUS_Y), (x, GATE_Y - BLOCK_H / 2)], bus, 3.0, arrow=True))
        width = _flow_width(value)
        top = (x, GATE_Y + BLOCK_H / 2)
        if key == "f":
            segments.append(_line([top, (x, MUL_F[1] - NODE_R)], GATE_COLORS[key], width, arrow=True))
        elif key == "i":
            segments.append(
                _line([top, (x, MUL_IG[1]), (MUL_IG[0] - NODE_R, MUL_IG[1])], GATE_COLORS[key], width, True)
            )
        elif key == "g":
            segments.append(_line([top, (x, MUL_IG[1] - NODE_R)], GATE_COLORS[key], width, arrow=True))
        else:
            segments.append(
                _line([(x + BLOCK_W / 2, GATE_Y), (MUL_O[0] - NODE_R, GATE_Y)], GATE_COLORS[key], width, True)
            )
    shapes = [shape for part, _ in segments for shape in part]
    arrows = [arrow for _, part in segments for arrow in part]
    return shapes, arrows


def _flow_labels(s: _Step, x_text: str) -> list:
    """The numbers on the wires: what enters, what is kept and written, what leaves."""
    c_col, h_col, small = text_shade(GATE_COLORS["c"]), text_shade(GATE_COLORS["h"]), LABEL_SIZE
    return [
        _label(0.15, CELL_Y + 0.45, f"c<sub>t−1</sub> = {num(s.c_prev)}", "left", color=c_col, bold=True),
        _label((MUL_F[0] + ADD[0]) / 2, CELL_Y + 0.45, f"kept f·c = {num(s.kept)}", color=c_col, size=small),
        _label(15.85, CELL_Y + 0.45, f"c<sub>t</sub> = {num(s.c)}", "right", color=c_col, bold=True),
        # two lines: on one, a diagram narrowed by the sidebar (1024-px screen) ran it into the c → tanh wire
        _label(ADD[0] + 0.2, (MUL_IG[1] + CELL_Y) / 2, f"written i·g<br>= {num(s.written)}", "left",
               color=text_shade(GATE_COLORS["i"]), size=small),
        _label(TANH_OUT[0] + 0.2, (TANH_OUT[1] + MUL_O[1]) / 2, f"tanh c<sub>t</sub> = {num(s.tanh_c)}", "left",
               color=h_col, size=small),
        _label(15.85, H_Y + 0.45, f"h<sub>t</sub> = {num(s.h)}", "right", color=h_col, bold=True),
        _label(0.15, H_Y + 0.45, f"h<sub>t−1</sub> = {num(s.h_prev)}", "left", color=h_col, bold=True),
        _label(MERGE_X, 0.25, f"x<sub>t</sub> = {x_text}", color=INK, bold=True, bg="rgba(255,255,255,0.9)"),
        _label(BOX[2] - 0.15, BOX[1] + 0.3, "fill = gate value · line width = |value|", "right", color=MUTED,
               size=SMALL_LABEL_SIZE),
    ]  # fmt: skip


def cell_diagram(trace, t: int, unit: int = 0, x_label: str | None = None, *, sample: int = 0) -> go.Figure:
    """The LSTM cell at step ``t`` for hidden ``unit``, every gate and flow labelled with its value.

    trace: an ``LSTMTrace`` with (T, H) arrays (or (B, T, H): sequence ``sample`` is drawn).
    x_label: how x_t reads ("'h'", "0.42 ★marker"); default: the numbers of x_t (or "one-hot #k").
    """
    if not is_lstm(trace):
        raise ValueError("cell_diagram draws an LSTM cell; it needs an LSTMTrace (a vanilla RNN has no gates).")
    trace = single_sequence(trace, sample)
    t, unit = check_step(trace, t), check_unit(trace, unit)
    s = _read_step(trace, t, unit)
    x_text = str(x_label) if x_label is not None else format_input(trace.x[t])

    body = {"type": "path", "path": _rounded_rect(*BOX, 0.35), "fillcolor": "#F3F5F8",
            "line": {"color": "#C9D0D9", "width": 1.5}, "layer": "below"}  # fmt: skip
    wire_shapes, arrows = _wires(s)
    blocks = [_gate_block(k, getattr(s, k)) for k in GATE_X]
    nodes = [_node(MUL_F, "×"), _node(ADD, "+"), _node(MUL_IG, "×"), _node(MUL_O, "×"), _node(TANH_OUT, "tanh", 1.0)]
    names = [
        _label(GATE_X[k], BUS_Y - 0.4, GATE_WORDS[k], color=text_shade(GATE_COLORS[k]), size=SMALL_LABEL_SIZE)
        for k in GATE_X
    ]
    labels = [
        *(lab for _, labels in blocks for lab in labels),
        *(lab for _, lab in nodes),
        *_flow_labels(s, x_text),
        *names,
    ]
    layout = dict(
        shapes=[body, *wire_shapes, *(b for b, _ in blocks), *(n for n, _ in nodes)],
        annotations=[_annotation(lab) for lab in labels if lab["bg"]],
        title=figure_title(f"LSTM cell at step t = {t}, unit {unit}"),
        xaxis={"range": [0, WIDTH], "visible": False, "fixedrange": True},
        yaxis={"range": [0, HEIGHT], "visible": False, "fixedrange": True, "scaleanchor": "x", "scaleratio": 1},
        margin={"l": 8, "r": 8, "t": 48, "b": 8},
        hovermode="closest",
        showlegend=False,
        meta={MIN_WIDTH_KEY: MIN_WIDTH, FIT_HEIGHT_KEY: True},
    )
    texts = _texts([lab for lab in labels if not lab["bg"]])
    return make_figure([_arrows(arrows), *texts, _hover_points(s, t, unit, x_text)], layout)
