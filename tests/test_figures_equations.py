"""The live equations show the trace's numbers, and the arithmetic on screen adds up to the last digit."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lstm_viz.core import LSTMParams, RNNParams, lstm_forward, lstm_forward_batch, rnn_forward
from lstm_viz.figures import lstm_equations, rnn_equations
from lstm_viz.figures.equations import split_rounded

T, H, D = 30, 4, 3
SLACK = 1.5e-3  # an in-between number (a term, z, f·c, tanh c) may be one last digit off its own rounding
NUMBER = r"-?\d+\.\d{3}"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.fixture(scope="module")
def lstm():
    # large weights and a strong forget bias: big pre-activations, saturated gates and |c| > 1 all occur
    params = LSTMParams.init(D, H, seed=11, forget_bias=2.0, recurrent_scale=3.0)
    params = params.replace(weight_ih=params.weight_ih * 4)
    x = np.random.default_rng(5).normal(size=(T, D))
    return params, lstm_forward(params, x)


@pytest.fixture(scope="module")
def rnn():
    params = RNNParams.init(D, H, seed=12, spectral_radius=1.2)
    return params, rnn_forward(params, np.random.default_rng(6).normal(size=(T, D)))


def numbers(text: str) -> list[float]:
    """Every 3-decimal number in a LaTeX string, with its sign ("- 0.340" in a sum counts as -0.340)."""
    text = re.sub(r"(?<=[\d)]) - (?=\d)", " + -", text)  # binary minus between terms -> "+ -x"
    return [float(v) for v in re.findall(NUMBER, text)]


def sides(line: str) -> tuple[list[str], list[str]]:
    """The expressions of 'a = b \\approx c = d' and the relations between them: ([a, b, c, d], ["=", "≈", "="])."""
    pieces = re.split(r" (=|\\approx) ", line)
    return pieces[0::2], ["≈" if r == r"\approx" else "=" for r in pieces[1::2]]


def holds(relation: str, computed: float, shown: float, bound: float) -> bool:
    """'=': the computation rounds to the shown number exactly; '≈': it misses by no more than ``bound``."""
    if relation == "=":
        return round(computed, 3) == pytest.approx(shown, abs=1e-9)
    return abs(computed - shown) <= bound


def near(shown: float, exact: float) -> bool:
    """An in-between number is its exact value rounded, or one last digit off that."""
    return abs(shown - exact) <= SLACK


def all_steps_and_units():
    return [(t, u) for t in range(T) for u in range(H)]


@pytest.mark.parametrize(("t", "unit"), all_steps_and_units())
def test_gate_equations_match_the_trace_and_add_up(lstm, t, unit):
    params, trace = lstm
    lines = lstm_equations(params, trace, t, unit)
    assert len(lines) == 6
    for k, (key, fn) in enumerate((("i", sigmoid), ("f", sigmoid), ("g", np.tanh), ("o", sigmoid))):
        (_, _, terms_text, z_text, value_text), relations = sides(lines[k])
        assert lines[k].startswith(f"{key}_t = ")
        terms, (z,), (value,) = numbers(terms_text), numbers(z_text), numbers(value_text)
        assert value == round(float(getattr(trace, key)[t, unit]), 3)  # the gate is the trace's
        row = k * H + unit
        exact_terms = [params.weight_ih[row] @ trace.x[t], params.weight_hh[row] @ trace.h_prev[t], params.bias[row]]
        assert all(near(a, b) for a, b in zip(terms, exact_terms, strict=True))
        assert near(z, trace.preact[t, row])
        assert round(sum(terms), 3) == pytest.approx(z, abs=1e-9)  # the sum on screen is exact
        assert relations[:3] == ["=", "=", "="]
        assert holds(relations[3], fn(z), value, bound=1.5e-3)


@pytest.mark.parametrize(("t", "unit"), all_steps_and_units())
def test_cell_and_hidden_equations_match_the_trace_and_add_up(lstm, t, unit):
    params, trace = lstm
    c_line, h_line = lstm_equations(params, trace, t, unit)[4:]
    (_, _, products, terms, total), relations = sides(c_line)
    f, c_prev, i, g = numbers(products)
    kept, written = numbers(terms)
    (c,) = numbers(total)
    assert (f, i, g) == tuple(round(float(getattr(trace, k)[t, unit]), 3) for k in "fig")
    assert c_prev == round(float(trace.c_prev[t, unit]), 3) and c == round(float(trace.c[t, unit]), 3)
    assert near(kept, trace.kept[t, unit]) and near(written, trace.written[t, unit])
    assert kept + written == pytest.approx(c, abs=1e-9) and relations[3] == "="
    for a, b, term in ((f, c_prev, kept), (i, g, written)):
        assert holds(relations[2], a * b, term, bound=0.5e-3 * (abs(a) + abs(b)) + 2e-3)

    (_, _, tanh_form, product_form, h_text), relations = sides(h_line)
    o, c_shown = numbers(tanh_form)
    o_again, tanh_c = numbers(product_form)
    (h,) = numbers(h_text)
    assert o == o_again == round(float(trace.o[t, unit]), 3) and h == round(float(trace.h[t, unit]), 3)
    assert c_shown == c and near(tanh_c, trace.tanh_c[t, unit])
    assert holds(relations[2], np.tanh(c_shown), tanh_c, bound=2e-3)
    assert holds(relations[3], o * tanh_c, h, bound=0.5e-3 * (abs(o) + abs(tanh_c)) + 1e-3)


def test_approximate_steps_are_rare_and_only_where_rounding_forces_them(lstm, rnn):
    params, trace = lstm
    lines = [line for t, u in all_steps_and_units() for line in lstm_equations(params, trace, t, u)]
    gate_lines = [line for line in lines if line[0] in "ifgo"]
    assert not any(r"\approx" in line for line in gate_lines)
    assert sum(r"\approx" in line for line in lines) / len(lines) < 0.15
    rnn_lines = [line for t, u in all_steps_and_units() for line in rnn_equations(*rnn, t, u)]
    assert not any(r"\approx" in line for line in rnn_lines)


def test_equations_read_like_the_textbook(lstm):
    params, trace = lstm
    lines = lstm_equations(params, trace, 3, 0)
    assert lines[1].startswith(r"f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f) = \sigma(")
    assert lines[2].startswith(r"g_t = \tanh(W_g x_t + U_g h_{t-1} + b_g) = \tanh(")
    assert lines[4].startswith(r"c_t = f_t \odot c_{t-1} + i_t \odot g_t = ")
    assert lines[5].startswith(r"h_t = o_t \odot \tanh(c_t) = ")
    assert not any("$" in line for line in lines)
    assert not any(re.search(r"\+ -|- -", line) for line in lines)  # signs read as operators


@pytest.mark.parametrize(("t", "unit"), all_steps_and_units())
def test_rnn_equations_match_the_trace_and_add_up(rnn, t, unit):
    params, trace = rnn
    a_line, h_line = rnn_equations(params, trace, t, unit)
    assert a_line.startswith(r"a_t = W x_t + U h_{t-1} + b = ")
    (_, _, terms_text, a_text), _ = sides(a_line)
    terms, (a,) = numbers(terms_text), numbers(a_text)
    assert near(a, trace.a[t, unit]) and sum(terms) == pytest.approx(a, abs=1e-9)
    (_, _, tanh_form, h_text), relations = sides(h_line)
    assert numbers(tanh_form) == [a] and numbers(h_text) == [round(float(trace.h[t, unit]), 3)]
    assert holds(relations[2], np.tanh(a), numbers(h_text)[0], bound=1.5e-3)


def test_split_rounded_makes_nearby_parts_add_up_to_the_total():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        parts = rng.normal(scale=3, size=rng.integers(1, 4))
        total = int(np.sign(parts.sum()) * np.floor(abs(parts.sum()) * 1000 + 0.5))
        shown = split_rounded(parts, total)
        assert sum(shown) == total
        assert all(abs(v / 1000 - p) <= SLACK for v, p in zip(shown, parts, strict=True))
    assert split_rounded([0.1, 0.2], 400) is None  # too far from 0.3 for any honest rounding


def test_equations_of_a_batch_pick_one_sequence(lstm):
    params, _ = lstm
    xs = np.random.default_rng(9).normal(size=(2, T, D))
    batch, single = lstm_forward_batch(params, xs), lstm_forward(params, xs[1])
    assert lstm_equations(params, batch, 4, 2, sample=1) == lstm_equations(params, single, 4, 2)


def test_equations_refuse_mismatched_parameters(lstm, rnn):
    _, trace = lstm
    with pytest.raises(ValueError, match="expected LSTMParams and an LSTMTrace"):
        lstm_equations(rnn[0], trace, 0, 0)
    with pytest.raises(ValueError, match="do not match the trace"):
        lstm_equations(LSTMParams.init(D, H + 1), trace, 0, 0)
    with pytest.raises(ValueError, match="t must be in"):
        rnn_equations(rnn[0], rnn[1], T, 0)


def test_an_overflowed_step_is_refused_with_a_clear_message():
    params = RNNParams.init(1, 2, seed=0).replace(weight_ih=np.full((2, 1), 1e308))
    with np.errstate(over="ignore"):
        trace = rnn_forward(params, np.full((3, 1), 10.0))
        with pytest.raises(ValueError, match="too large to write out"):
            rnn_equations(params, trace, 0, 0)
