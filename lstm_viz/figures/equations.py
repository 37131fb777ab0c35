r"""The cell's equations with this step's numbers in them, as LaTeX for ``st.latex`` (no ``$``).

    f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f) = \sigma(0.120 - 0.340 + 2.530) = \sigma(2.310) = 0.910

Every number has 3 decimals and matches the trace (rounded). Sums add up exactly: the parts are
rounded up or down, whichever makes them total the rounded result and stays closest to the product
of the shown operands. A σ/tanh of a shown argument is within 1e-3 of the shown value; a product of
two shown operands is within half a unit of each operand's last digit (times the other) of the shown
result: that is as consistent as 3-decimal numbers can be.

W_k, U_k, b_k are the focused unit's rows of ``weight_ih``, ``weight_hh`` and ``bias_ih + bias_hh``.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from ._data import check_step, check_unit, is_lstm, single_sequence

DIGITS = 3
SCALE = 10**DIGITS  # numbers are handled as integer thousandths, so sums are exact
GATE_FUNCTIONS = {"i": r"\sigma", "f": r"\sigma", "g": r"\tanh", "o": r"\sigma"}


def _thousandths(value: float) -> int:
    """``value`` rounded half away from zero to 3 decimals, as an integer count of thousandths."""
    return int(np.sign(value) * np.floor(abs(value) * SCALE + 0.5))


def _text(milli: int) -> str:
    """Integer thousandths as a LaTeX number: 2310 -> "2.310", -60 -> "-0.060"."""
    sign = "-" if milli < 0 else ""
    return f"{sign}{abs(milli) // SCALE}.{abs(milli) % SCALE:03d}"


def _operand(milli: int) -> str:
    """A factor in a product: negative numbers in parentheses."""
    return f"({_text(milli)})" if milli < 0 else _text(milli)


def _sum(parts: list[int]) -> str:
    """ "0.120 - 0.340 + 2.530": signs as operators, so the terms read like the equation."""
    out = _text(parts[0])
    for p in parts[1:]:
        out += f" - {_text(-p)}" if p < 0 else f" + {_text(p)}"
    return out


def split_rounded(parts, total: float, references=None) -> list[int]:
    """Round ``parts`` to thousandths so that they add up exactly to ``total`` rounded.

    Each part is rounded down or up (never further); among the combinations that hit the rounded
    total, the one closest to ``references`` (what the shown operands give; default: the parts) wins.
    """
    parts = [float(p) for p in parts]
    refs = parts if references is None else [float(r) for r in references]
    target = _thousandths(total)
    floors = [int(np.floor(p * SCALE)) for p in parts]
    best, best_cost = None, np.inf
    for ups in product((0, 1), repeat=len(parts)):
        candidate = [f + u for f, u in zip(floors, ups, strict=True)]
        if sum(candidate) != target:
            continue
        cost = sum(abs(c / SCALE - r) for c, r in zip(candidate, refs, strict=True))
        if cost < best_cost:
            best, best_cost = candidate, cost
    if best is None:  # only when ``total`` is not the sum of ``parts``: fall back to plain rounding
        return [_thousandths(p) for p in parts]
    return best


def _check(params, trace, t, unit, lstm: bool, sample: int):
    if is_lstm(trace) != lstm or getattr(params, "kind", None) != ("lstm" if lstm else "rnn"):
        want = "LSTMParams and an LSTMTrace" if lstm else "RNNParams and an RNNTrace"
        raise ValueError(f"expected {want}, got {type(params).__name__} and {type(trace).__name__}.")
    trace = single_sequence(trace, sample)
    if params.hidden_size != trace.hidden_size or params.input_size != trace.x.shape[-1]:
        raise ValueError(
            f"the parameters (H = {params.hidden_size}, D = {params.input_size}) do not match the trace "
            f"(H = {trace.hidden_size}, D = {trace.x.shape[-1]})."
        )
    return trace, check_step(trace, t), check_unit(trace, unit)


def _affine(weight_ih, weight_hh, bias, trace, t: int, row: int) -> tuple[float, float, float]:
    """(W x_t, U h_{t-1}, b) for one row of the stacked weights."""
    return (
        float(weight_ih[row] @ trace.x[t]),
        float(weight_hh[row] @ trace.h_prev[t]),
        float(bias[row]),
    )


def _gate_equation(key: str, parts, z: float, value: float) -> str:
    fn = GATE_FUNCTIONS[key]
    shown = split_rounded(parts, z)
    return (
        rf"{key}_t = {fn}(W_{key} x_t + U_{key} h_{{t-1}} + b_{key}) = {fn}({_sum(shown)}) "
        rf"= {fn}({_text(sum(shown))}) = {_text(_thousandths(value))}"
    )


def lstm_equations(params, trace, t: int, unit: int, *, sample: int = 0) -> list[str]:
    """The six LSTM equations (i, f, g, o, c, h) at step ``t`` for ``unit``, numbers substituted."""
    trace, t, unit = _check(params, trace, t, unit, lstm=True, sample=sample)
    hidden, bias = params.hidden_size, params.bias
    lines = []
    for k, key in enumerate("ifgo"):
        row = k * hidden + unit
        parts = _affine(params.weight_ih, params.weight_hh, bias, trace, t, row)
        lines.append(_gate_equation(key, parts, float(trace.preact[t, row]), float(getattr(trace, key)[t, unit])))
    i, f, g, o = (_thousandths(float(getattr(trace, k)[t, unit])) for k in "ifgo")
    c_prev, c = _thousandths(float(trace.c_prev[t, unit])), float(trace.c[t, unit])
    kept, written = split_rounded(
        [float(trace.kept[t, unit]), float(trace.written[t, unit])], c,
        references=[f * c_prev / SCALE**2, i * g / SCALE**2],
    )  # fmt: skip
    lines.append(
        rf"c_t = f_t \odot c_{{t-1}} + i_t \odot g_t = {_text(f)} \cdot {_operand(c_prev)} "
        rf"+ {_text(i)} \cdot {_operand(g)} = {_sum([kept, written])} = {_text(kept + written)}"
    )
    tanh_c, h = _thousandths(float(trace.tanh_c[t, unit])), _thousandths(float(trace.h[t, unit]))
    lines.append(
        rf"h_t = o_t \odot \tanh(c_t) = {_text(o)} \cdot \tanh({_text(kept + written)}) "
        rf"= {_text(o)} \cdot {_operand(tanh_c)} = {_text(h)}"
    )
    return lines


def rnn_equations(params, trace, t: int, unit: int, *, sample: int = 0) -> list[str]:
    """The vanilla RNN's two equations (a, h) at step ``t`` for ``unit``, numbers substituted."""
    trace, t, unit = _check(params, trace, t, unit, lstm=False, sample=sample)
    parts = _affine(params.weight_ih, params.weight_hh, params.bias, trace, t, unit)
    shown = split_rounded(parts, float(trace.a[t, unit]))
    a = sum(shown)
    return [
        rf"a_t = W x_t + U h_{{t-1}} + b = {_sum(shown)} = {_text(a)}",
        rf"h_t = \tanh(a_t) = \tanh({_text(a)}) = {_text(_thousandths(float(trace.h[t, unit])))}",
    ]
