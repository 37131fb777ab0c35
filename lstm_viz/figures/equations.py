r"""The cell's equations with this step's numbers in them, as LaTeX for ``st.latex`` (no ``$``).

    f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f) = \sigma(0.120 - 0.340 + 2.530) = \sigma(2.310) = 0.910

Every number has 3 decimals. A number the app also shows elsewhere (a gate's z and value, c_{t-1}, f·c,
i·g, c_t, tanh c_t, h_t, an RNN's a_t: the cell diagram, its hover and the gate bars) is never nudged:
it is the trace's value rounded half away from zero, the same digits in every view. Only the three
terms of a pre-activation (W x_t, U h_{t-1}, b), shown nowhere else, may sit one last digit off their
own rounding, chosen so that they add up exactly to the shown z. Each step is written ``=`` when the
shown operands give the shown result to the last digit and ``\approx`` when they do not (e.g.
0.910 · 3.500 = 3.185 next to kept = 3.187, from f = 0.9104, c = 3.5004): the equation says honestly where
rounding shows, rather than showing a number that contradicts the diagram.

W_k, U_k, b_k are the focused unit's rows of ``weight_ih``, ``weight_hh`` and ``bias_ih + bias_hh``.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from ._data import check_step, check_unit, is_lstm, single_sequence

DIGITS = 3
SCALE = 10**DIGITS  # numbers are handled as integer thousandths, so sums are exact
SHOWABLE = 1e12  # beyond this a 3-decimal number means nothing (and inf/NaN cannot be written at all)
SLACK = 1.5  # a term of z may be this many last digits from its exact value (rounding ± one digit)
GATE_FUNCTIONS = {"i": r"\sigma", "f": r"\sigma", "g": r"\tanh", "o": r"\sigma"}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + np.exp(-z))


NONLINEARITY = {"i": _sigmoid, "f": _sigmoid, "g": np.tanh, "o": _sigmoid}


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


def _sum(parts) -> str:
    """ "0.120 - 0.340 + 2.530": signs as operators, so the terms read like the equation."""
    out = _text(parts[0])
    for p in parts[1:]:
        out += f" - {_text(-p)}" if p < 0 else f" + {_text(p)}"
    return out


def _relation(exact: bool) -> str:
    r"""``=`` when the shown operands give the shown result to the last digit, else ``\approx``."""
    return "=" if exact else r"\approx"


def _apply(fn, milli: int) -> int:
    """fn of a shown number, rounded like a shown number."""
    return _thousandths(float(fn(milli / SCALE)))


def _product(a: int, b: int) -> int:
    """The product of two shown numbers, rounded like a shown number."""
    return _thousandths(a * b / SCALE**2)


def nearby(value: float) -> list[int]:
    """The 3-decimal numbers (in thousandths) within ``SLACK`` last digits of ``value``, nearest first."""
    rounded = _thousandths(value)
    exact = value * SCALE
    return sorted((c for c in (rounded - 1, rounded, rounded + 1) if abs(c - exact) <= SLACK),
                  key=lambda c: abs(c - exact))  # fmt: skip


def split_rounded(parts, total: int) -> list[int] | None:
    """``parts`` as nearby 3-decimal numbers adding up exactly to ``total`` (thousandths), or None.

    Among the combinations that do, the closest to the exact parts wins.
    """
    exact = [float(p) * SCALE for p in parts]
    sums = (list(c) for c in product(*(nearby(p) for p in parts)) if sum(c) == total)
    return min(sums, key=lambda c: sum(abs(v - e) for v, e in zip(c, exact, strict=True)), default=None)


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
    t, unit = check_step(trace, t), check_unit(trace, unit)
    at_step = [getattr(trace, k)[t] for k in ("preact", "a", "c", "h", "h_prev", "x") if hasattr(trace, k)]
    if not all(np.all(np.abs(v) < SHOWABLE) for v in at_step):  # also False for inf and NaN
        raise ValueError(f"step {t} holds values too large to write out (an overflow?): no equation to show.")
    return trace, t, unit


def _affine(weight_ih, weight_hh, bias, trace, t: int, row: int) -> tuple[float, float, float]:
    """(W x_t, U h_{t-1}, b) for one row of the stacked weights."""
    return (
        float(weight_ih[row] @ trace.x[t]),
        float(weight_hh[row] @ trace.h_prev[t]),
        float(bias[row]),
    )


def _terms(parts, total: int) -> tuple[str, str]:
    r"""(the terms as a sum, the relation to ``total``): the terms nudged within a last digit to add up
    to ``total`` exactly (``=``), or, when no such choice exists, simply rounded (``\approx``)."""
    terms = split_rounded(parts, total)
    if terms is None:
        terms = [_thousandths(float(p)) for p in parts]
    return _sum(terms), _relation(sum(terms) == total)


def _gate_equation(key: str, parts, z: float, value: float) -> str:
    """σ or tanh of z = W x + U h + b, with z and the gate's value the trace's, rounded."""
    fn, z_shown, v = GATE_FUNCTIONS[key], _thousandths(z), _thousandths(value)
    terms, adds_up = _terms(parts, z_shown)
    return (
        rf"{key}_t = {fn}(W_{key} x_t + U_{key} h_{{t-1}} + b_{key}) = {fn}({terms}) {adds_up} "
        rf"{fn}({_text(z_shown)}) {_relation(_apply(NONLINEARITY[key], z_shown) == v)} {_text(v)}"
    )


def _cell_equation(trace, t: int, unit: int) -> str:
    """c_t = f·c_{t-1} + i·g, with kept f·c_{t-1} and written i·g the trace's, rounded."""
    i, f, g, c_prev, c, kept, written = (
        _thousandths(float(getattr(trace, k)[t, unit])) for k in ("i", "f", "g", "c_prev", "c", "kept", "written")
    )
    products = _relation([kept, written] == [_product(f, c_prev), _product(i, g)])
    return (
        rf"c_t = f_t \odot c_{{t-1}} + i_t \odot g_t = {_text(f)} \cdot {_operand(c_prev)} "
        rf"+ {_text(i)} \cdot {_operand(g)} {products} {_sum([kept, written])} "
        rf"{_relation(kept + written == c)} {_text(c)}"
    )


def _hidden_equation(trace, t: int, unit: int) -> str:
    """h_t = o·tanh(c_t), with tanh(c_t) the trace's, rounded."""
    o, c, tanh_c, h = (_thousandths(float(getattr(trace, k)[t, unit])) for k in ("o", "c", "tanh_c", "h"))
    return (
        rf"h_t = o_t \odot \tanh(c_t) = {_text(o)} \cdot \tanh({_text(c)}) {_relation(_apply(np.tanh, c) == tanh_c)} "
        rf"{_text(o)} \cdot {_operand(tanh_c)} {_relation(_product(o, tanh_c) == h)} {_text(h)}"
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
    return [*lines, _cell_equation(trace, t, unit), _hidden_equation(trace, t, unit)]


def rnn_equations(params, trace, t: int, unit: int, *, sample: int = 0) -> list[str]:
    """The vanilla RNN's two equations (a, h) at step ``t`` for ``unit``, numbers substituted."""
    trace, t, unit = _check(params, trace, t, unit, lstm=False, sample=sample)
    parts = _affine(params.weight_ih, params.weight_hh, params.bias, trace, t, unit)
    a, h = _thousandths(float(trace.a[t, unit])), _thousandths(float(trace.h[t, unit]))
    terms, adds_up = _terms(parts, a)
    return [
        rf"a_t = W x_t + U h_{{t-1}} + b = {terms} {adds_up} {_text(a)}",
        rf"h_t = \tanh(a_t) = \tanh({_text(a)}) {_relation(_apply(np.tanh, a) == h)} {_text(h)}",
    ]
