"""How far back a last-step loss reaches: ‖∂L/∂h_t‖ against the lag, log scale, one line per model.

A vanilla RNN's gradient is a product of lag Jacobians, so it is a straight line on a log axis whose
slope is the per-step factor ρ; the LSTM's cell path multiplies by f_t ≈ 1 instead and stays flat.
A rate is only given where a line describes the curve (``GradientFlow.decay_fit``): a staircase (a cell
wiped by a shut forget gate) or a bend is described in words instead, in the legend and the readout alike.
Values that overflowed (inf/NaN) or are exactly 0 cannot be drawn on a log axis: they are shown as markers
along the top/bottom edge with a shaded region and a note, never silently dropped. An exact 0 is named for its
cause: *underflow* when the value beside it had shrunk toward float64's floor, *no path back* when it follows
an ordinary value (a factor on the way back is exactly 0: a zero weight, a gate saturated shut).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._layout import figure_title, make_figure
from .palette import GATE_COLORS, distinct_colors, model_color, text_shade

LAG_AXIS = "lag T − 1 − t (steps between h<sub>t</sub> and the loss)"
SUBTITLE = "loss L at the last step; on a log axis each line's slope is its per-step factor"
NEGLIGIBLE = 1e-6  # "the gradient is gone": a millionth of its size at the loss
UNDERFLOW_NEAR = 1e-250  # a 0 beside a value this small is a product that shrank past float64's 1e-308
NO_PATH, UNDERFLOW = "exactly 0: no path back", "underflow (below 1e-308)"
CAUSE_HOVER = {
    NO_PATH: "exactly 0: a factor on the way back is 0 (a zero weight, a gate saturated shut)",
    UNDERFLOW: "underflow: smaller than float64 holds (1e-308), stored as 0",
}
CAUSE_WORDS = {NO_PATH: "no path back", UNDERFLOW: "underflow"}  # in a readout's running text
LISTED = 4  # lags named one by one in a readout before "…"
SHADE_OPACITY = 0.09


def format_rate(rate: float) -> str:
    """ρ with as many decimals as its distance from 1 needs: 0.62, 0.95, 0.998, 0.9995, 1.30."""
    if not np.isfinite(rate):
        return "n/a"
    gap = abs(1.0 - rate)
    decimals = 2 if gap == 0 else int(np.clip(np.ceil(-np.log10(gap)), 2, 6))
    return f"{rate:.{decimals}f}"


def _model_name(flow) -> str:
    return "LSTM" if flow.model == "lstm" else "RNN"


def format_factor(factor: float) -> str:
    """A multiplier in two significant digits, or as a power of ten when far from 1: 0.35, 3.5, 5e-5, 2e9."""
    if not np.isfinite(factor) or factor <= 0:
        return "n/a"
    if 0.1 <= factor < 10:
        return f"{factor:.2g}"
    mantissa, exponent = f"{factor:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def decay_readout(flow) -> str:
    """One line for the UI: "RNN: gradient × 0.62 per step: 1e-6 after 29 steps" (from the fitted rate).

    When no line describes the curve (``fit.steady`` is False) it is described in words instead: "no steady
    per-step rate: it holds, then drops ×5e-5 at lags 20 and 40 (×2e-9 over 59 steps)". When ‖∂L/∂h_t‖
    cannot be fitted (e.g. exactly 0 before the last step, as in the latch whose recurrent weights are 0),
    an LSTM's cell path ‖∂L/∂c_t‖ is read instead, and the line says so.
    """
    name, fit = _model_name(flow), flow.decay_fit()
    overflow = _first_bad_lag(flow)
    notes = [overflow_phrase(overflow)] if overflow is not None else []
    path = "gradient"
    if not np.isfinite(fit.rate):
        zero = _zero_h_phrase(flow)
        notes = [zero, *notes] if zero else notes
        if flow.dc_norm is not None and np.isfinite(flow.decay_rate("dc_norm")):
            path, fit = "cell path ‖∂L/∂c_t‖:", flow.decay_fit("dc_norm")
    tail = "".join(f"; {note}" for note in notes)
    if not np.isfinite(fit.rate):
        return f"{name}: too few finite, nonzero gradient values to fit a rate{tail}"
    colon = "" if fit.steady or path.endswith(":") else ":"  # "gradient × 0.62", "gradient: no steady …"
    return f"{name}: {path}{colon} {fit_phrase(fit)}{tail}"


def cell_readout(flow) -> str:
    """The LSTM's cell path on its own line: "LSTM cell path ‖∂L/∂c_t‖: × 0.97 per step: …" (or its shape)."""
    return f"{_model_name(flow)} cell path ‖∂L/∂c_t‖: {fit_phrase(flow.decay_fit('dc_norm'))}"


def fit_phrase(fit) -> str:
    """The rate and its reach when a line describes the curve, else the curve's shape and its overall change."""
    if fit.steady:
        return f"× {format_rate(fit.rate)} per step: {_reach(fit.rate)}"
    overall = f"×{format_factor(fit.change)} over {fit.steps:,} steps"
    return f"no steady per-step rate: {_shape(fit)} ({overall})"


def _shape(fit, short: bool = False) -> str:
    """What the curve does instead of a steady decay: its cliffs, its knee, or how far a line misses it."""
    if fit.cliffs:
        factors = [c.factor for c in fit.cliffs]
        rest = abs(np.log10(fit.change) - np.sum(np.log10(factors)))
        lags = _lag_list([c.lag for c in fit.cliffs], short)
        if max(factors) < 1 and rest < 1:  # all the change is in the drops: flat in between
            same = len({format_factor(f) for f in factors}) == 1
            if short:
                return f"drops ×{format_factor(factors[0])} at {lags}" if same else f"drops at {lags}"
            if same:
                return f"it holds, then drops ×{format_factor(factors[0])} at {lags}"
            return f"it holds, then drops at {lags} (×{format_factor(min(factors))} at the most)"
        return f"jumps at {lags}" if short else f"it jumps by more than ×10 in a single step at {lags}"
    if fit.knee is not None:
        k = fit.knee
        if short:
            return f"× {format_rate(k.rate_before)}, then × {format_rate(k.rate_after)}/step from lag {k.lag}"
        return f"× {format_rate(k.rate_before)} per step to lag {k.lag}, then × {format_rate(k.rate_after)} per step"
    return "uneven" if short else f"a line misses it by ×{format_factor(10**fit.miss_decades)}"


def _lag_list(lags: list[int], short: bool) -> str:
    """ "lag 20", "lags 20 and 40", "5 lags (20, 40, 60, …)" (a few named, the rest counted)."""
    if len(lags) == 1:
        return f"lag {lags[0]}"
    if len(lags) > LISTED:
        return f"{len(lags)} lags ({', '.join(map(str, lags[: LISTED - 1]))}, …)"
    head, last = ", ".join(map(str, lags[:-1])), lags[-1]
    return f"lags {head}, {last}" if short else f"lags {head} and {last}"


def _reach(rate: float) -> str:
    """Where a per-step factor ρ takes the gradient: "1e-6 after 29 steps", "grows to 1e6 after 12 steps"."""
    if rate < 1:
        steps = np.log(NEGLIGIBLE) / np.log(rate)
        return f"1e-6 after {steps:,.0f} steps" if steps < 1e7 else "no visible decay"
    if rate > 1:
        return f"grows to 1e6 after {np.log(1 / NEGLIGIBLE) / np.log(rate):,.0f} steps"
    return "neither grows nor decays"


def _zero_h_phrase(flow) -> str | None:
    """ "the gradient through h is exactly 0 before step 119 (no path back)" (or "at 3 steps"), None without zeros."""
    values = np.asarray(flow.dh_norm, dtype=float)
    zero = np.isfinite(values) & (values == 0)
    if not zero.any():
        return None
    cause = _cause_words(_zero_causes(values)[zero])
    first_nonzero = int(np.argmin(zero))  # steps are t = 0..T−1; the loss is at the last one
    if zero.all():
        return f"the gradient through h is exactly 0 at every step ({cause})"
    if zero[:first_nonzero].all() and not zero[first_nonzero:].any():
        return f"the gradient through h is exactly 0 before step {first_nonzero} ({cause})"
    return f"the gradient through h is exactly 0 at {int(zero.sum())} steps ({cause})"


def _cause_words(causes: np.ndarray) -> str:
    """ "no path back", "underflow" or both, for the causes found among some zeros."""
    return " and ".join(words for cause, words in CAUSE_WORDS.items() if cause in set(causes))


def _zero_causes(values: np.ndarray) -> np.ndarray:
    """(T,) per step: UNDERFLOW or NO_PATH at an exact 0, "" elsewhere, judged by the value beside its run one
    lag nearer the loss: a product that shrank toward 1e-308 underflowed; one that jumps from an ordinary
    value to 0 met a factor that is exactly 0."""
    causes = np.full(values.shape, "", dtype=object)
    beside = np.nan  # the value at step t + 1 (one lag nearer the loss), walking back from t = T − 1
    for t in range(values.size - 1, -1, -1):
        if np.isfinite(values[t]) and values[t] == 0:
            causes[t] = UNDERFLOW if 0 < beside <= UNDERFLOW_NEAR else NO_PATH
        else:
            beside = values[t]
    return causes


def overflow_phrase(first_bad_lag: int) -> str:
    """ "overflow beyond lag 41": the last lag still finite is the one before the first overflowed one."""
    return "overflow at every lag" if first_bad_lag <= 0 else f"overflow beyond lag {first_bad_lag - 1}"


def _first_bad_lag(flow) -> int | None:
    """The smallest lag whose gradient overflowed (the latest step t with non-finite values)."""
    return None if flow.overflow_step is None else int(flow.lag[flow.overflow_step])


def _drawable(values: np.ndarray) -> np.ndarray:
    """Finite positive values, NaN (a gap on the log axis) elsewhere: a copy, the flow is not touched."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _y_range(flows) -> tuple[float, float]:
    """log10 bounds holding every drawable norm, widened to whole decades."""
    drawable = [_drawable(getattr(f, q)) for f in flows for q in ("dh_norm", "dc_norm") if getattr(f, q) is not None]
    values = np.concatenate(drawable) if drawable else np.array([])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    return float(lo), float(max(hi, lo + 1))


def _edge_markers(flow, label: str, color: str, y_range) -> list[dict]:
    """Markers for lags that a log axis cannot show: ▲ at the top for inf/NaN, ▼ at the bottom for an exact 0,
    named for its cause (no path back, or underflow)."""
    out = []
    values = np.asarray(flow.dh_norm, dtype=float)
    causes = _zero_causes(values)
    for bad, y, symbol, what, hover in (
        (~np.isfinite(values), 10 ** y_range[1], "triangle-up", "overflow (inf/NaN)", "overflow (inf/NaN)"),
        *((causes == cause, 10 ** y_range[0], "triangle-down", cause, CAUSE_HOVER[cause]) for cause in CAUSE_HOVER),
    ):
        if bad.any():
            out.append({
                "type": "scatter", "x": flow.lag[bad], "y": np.full(int(bad.sum()), y), "mode": "markers",
                "name": f"{label}: {what}", "cliponaxis": False,
                "marker": {"symbol": symbol, "size": 9, "color": color, "line": {"color": "#FFFFFF", "width": 1}},
                "hovertemplate": f"lag %{{x}}: ‖∂L/∂h‖ {hover}<extra>{label}</extra>",
            })  # fmt: skip
    return out


def _norm_line(flow, quantity: str, label: str, color: str) -> dict:
    """One norm against the lag: ‖∂L/∂h_t‖ solid, ‖∂L/∂c_t‖ dashed; the legend gives its fitted rate."""
    symbol = "h" if quantity == "dh_norm" else "c"
    return {
        "type": "scatter", "x": flow.lag, "y": _drawable(getattr(flow, quantity)), "mode": "lines",
        "name": f"{label}  ‖∂L/∂{symbol}<sub>t</sub>‖  {_rate_label(flow, quantity)}",
        "line": {"color": color, "width": 3} if symbol == "h" else {"color": color, "width": 2, "dash": "dash"},
        "hovertemplate": f"lag %{{x}}: ‖∂L/∂{symbol}‖ = %{{y:.3e}}<extra>{label}</extra>",
    }  # fmt: skip


def _rate_label(flow, quantity: str) -> str:
    """The legend's "× 0.62/step", or in words why there is no rate (never a bare "n/a" on a slide), by the
    readout's judgement: a staircase reads "not steady: drops ×5e-5 at lags 20, 40"."""
    fit = flow.decay_fit(quantity)
    if np.isfinite(fit.rate):
        return f"× {format_rate(fit.rate)}/step" if fit.steady else f"not steady: {_shape(fit, short=True)}"
    values = np.asarray(getattr(flow, quantity), dtype=float)
    before_last = flow.lag > 0
    if np.all(values[before_last] == 0):
        # e.g. the latch: W_hh = 0, so h_t reaches nothing later
        return f"= 0 before the last step: {_cause_words(_zero_causes(values)[before_last])}"
    return "(too few finite values for a rate)"


def _colors(flows: dict) -> dict[str, str]:
    """Model colours (LSTM blue, RNN vermillion); a second flow of the same model gets the next free hue."""
    preferred = [GATE_COLORS.get(flow.model, model_color(label)) for label, flow in flows.items()]
    return dict(zip(flows, distinct_colors(preferred), strict=True))


def _overflow_marks(flow, label: str, color: str) -> tuple[list, list]:
    """(shapes, annotations) shading the lags beyond the first overflow and saying so in words."""
    first = _first_bad_lag(flow)
    if first is None:
        return [], []
    shade = {
        "type": "rect", "xref": "x", "yref": "paper", "x0": first - 0.5, "x1": int(flow.lag.max()) + 0.5,
        "y0": 0, "y1": 1, "fillcolor": color, "opacity": SHADE_OPACITY, "line": {"width": 0}, "layer": "below",
    }  # fmt: skip
    note = {
        "x": first - 0.5, "xref": "x", "xanchor": "left", "y": 0.95, "yref": "paper", "yanchor": "top",
        "showarrow": False, "xshift": 4, "text": f"<b>{label}: {overflow_phrase(first)}</b>  (▲ = ∞, off a log axis)",
        "font": {"color": text_shade(color)}, "bgcolor": "rgba(255,255,255,0.85)",
    }  # fmt: skip
    return [shade], [note]


def gradient_flow_figure(flows, title: str | None = None) -> go.Figure:
    """‖∂L/∂h_t‖ (solid) and, for LSTMs, ‖∂L/∂c_t‖ (dashed) against the lag, log y, one colour per model.

    flows: mapping label -> ``lstm_viz.core.GradientFlow`` (e.g. {"LSTM": f1, "RNN": f2}), or a single flow.
    The legend gives each curve's fitted per-step factor ρ (``flow.decay_fit()``), or its shape when no line fits.
    """
    if not isinstance(flows, dict):
        flows = {_model_name(flows): flows}
    if not flows:
        raise ValueError("gradient_flow_figure needs at least one GradientFlow.")
    colors = _colors(flows)
    y_range = _y_range(flows.values())
    data = [
        _norm_line(flow, q, label, colors[label])
        for label, flow in flows.items()
        for q in ("dh_norm", "dc_norm")
        if getattr(flow, q) is not None
    ]
    shapes, notes = [], []
    for label, flow in flows.items():
        data += _edge_markers(flow, label, colors[label], y_range)
        shade, note = _overflow_marks(flow, label, colors[label])
        shapes += shade
        notes += note
    max_lag = max(int(f.lag.max()) for f in flows.values())
    layout = {
        "xaxis": {"title": {"text": LAG_AXIS}, "range": [-0.5, max_lag + 0.5]},
        "yaxis": {"type": "log", "range": [y_range[0] - 0.15, y_range[1] + 0.15], "exponentformat": "power",
                  "title": {"text": "‖∂L/∂h<sub>t</sub>‖ (log scale)"}},
        "title": figure_title(title or "How far back the gradient reaches", SUBTITLE),
        # under the axis: inside the plot it hid the underflow markers along the bottom and any curve passing by
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom"},
        "hovermode": "closest",
    }  # fmt: skip
    if shapes or notes:  # an overflow to flag (empty lists would reach the browser as they are)
        layout.update(shapes=shapes, annotations=notes)
    return make_figure(data, layout)
