"""Properties that hold for every shape and every weight scale, up to extreme (±50) weights.

Shapes: T 1..30, H 1..8, D 1..4. Weights either U(−s, s) or all +s / all −s, s up to 50, where
every gate saturates; outputs must stay finite and bounded and nothing may raise or hang.
"""

from __future__ import annotations

import numpy as np
import reference_lstm as ref
from hypothesis import given
from hypothesis import strategies as st
from numeric_checks import assert_close

from lstm_viz.core import (
    LSTMParams,
    RNNParams,
    gradient_flow,
    lstm_backward,
    lstm_backward_batch,
    lstm_forward,
    lstm_forward_batch,
    rnn_backward,
    rnn_forward,
)

EXTREME = 50.0
SCALES = st.sampled_from([0.01, 0.5, 1.0, 5.0, EXTREME]) | st.floats(0.0, EXTREME)
MODERATE_SCALES = st.floats(0.0, 2.0)  # where rounding differences cannot be amplified much over 30 steps


@st.composite
def problems(draw, gates, scales=SCALES, max_steps=30):
    """(weights dict, x (T, D), h0 (H,), c0 (H,), dh (T, H), dc_last (H,))."""
    steps, hidden, input_size = draw(st.integers(1, max_steps)), draw(st.integers(1, 8)), draw(st.integers(1, 4))
    scale = draw(scales)
    pattern = draw(st.sampled_from(["uniform", "all_plus", "all_minus"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = gates * hidden
    shapes = {"weight_ih": (rows, input_size), "weight_hh": (rows, hidden), "bias_ih": (rows,), "bias_hh": (rows,)}
    if pattern == "uniform":
        weights = {n: rng.uniform(-scale, scale, s) for n, s in shapes.items()}
    else:
        weights = {n: np.full(s, scale if pattern == "all_plus" else -scale) for n, s in shapes.items()}
    input_scale = draw(st.sampled_from([1.0, 10.0]))
    return (
        weights,
        rng.normal(size=(steps, input_size)) * input_scale,
        rng.uniform(-1, 1, hidden),
        rng.normal(size=hidden) * draw(st.sampled_from([1.0, 100.0])),
        rng.normal(size=(steps, hidden)),
        rng.normal(size=hidden),
    )


def _all_finite(*arrays):
    return all(np.isfinite(a).all() for a in arrays)


def _assert_flags_are_consistent(flow):
    finite = np.isfinite(flow.dh_norm) & np.isfinite(flow.jacobian_norm)
    if flow.dc_norm is not None:
        finite &= np.isfinite(flow.dc_norm)
    assert np.array_equal(flow.finite, finite)
    bad = np.flatnonzero(~finite)
    assert flow.overflow_step == (int(bad[-1]) if bad.size else None)


@given(problems(gates=4))
def test_lstm_trace_is_finite_and_bounded_for_any_weights(problem):
    weights, x, h0, c0, _, _ = problem
    trace = lstm_forward(LSTMParams(**weights), x, h0, c0)
    assert _all_finite(trace.preact, trace.c, trace.h)
    for gate in (trace.i, trace.f, trace.o):
        assert np.all((gate >= 0) & (gate <= 1))
    assert np.all(np.abs(trace.g) <= 1) and np.all(np.abs(trace.h) <= 1) and np.all(np.abs(trace.tanh_c) <= 1)
    # |c_t| ≤ |c_{t-1}| + 1 because f ≤ 1 and |i g| ≤ 1.
    assert np.all(np.abs(trace.c) <= np.abs(c0) + np.arange(1, len(x) + 1)[:, None] + 1e-9)
    assert np.array_equal(trace.h, trace.o * trace.tanh_c)


@given(problems(gates=4))
def test_float32_lstm_trace_is_finite_and_bounded_for_any_weights(problem):
    weights, x, h0, c0, _, _ = problem
    params = LSTMParams(**weights).astype(np.float32)
    trace = lstm_forward(params, x, h0, c0)
    assert trace.h.dtype == np.float32 and _all_finite(trace.c, trace.h)
    for gate in (trace.i, trace.f, trace.o):
        assert np.all((gate >= 0) & (gate <= 1))
    assert np.all(np.abs(trace.g) <= 1) and np.all(np.abs(trace.h) <= 1)
    flow = gradient_flow(params, x, h0, c0)
    _assert_flags_are_consistent(flow)


@given(problems(gates=1))
def test_rnn_trace_is_finite_and_bounded_for_any_weights(problem):
    weights, x, h0, _, _, _ = problem
    trace = rnn_forward(RNNParams(**weights), x, h0)
    assert _all_finite(trace.a, trace.h)
    assert np.all(np.abs(trace.h) <= 1)


@given(problems(gates=4))
def test_lstm_gradients_are_finite_or_flagged(problem):
    weights, x, h0, c0, dh, dc_last = problem
    params = LSTMParams(**weights)
    grads = lstm_backward(params, x, lstm_forward(params, x, h0, c0), dh, dc_last)
    flow = gradient_flow(params, x, h0, c0)
    _assert_flags_are_consistent(flow)
    arrays = (grads.dh_total, grads.dc_total, grads.dx, grads.dh0, grads.dc0, *grads.arrays().values())
    assert _all_finite(*arrays) or flow.overflow_step is not None


@given(problems(gates=1))
def test_rnn_gradients_are_finite_or_flagged(problem):
    weights, x, h0, _, dh, _ = problem
    params = RNNParams(**weights)
    grads = rnn_backward(params, x, rnn_forward(params, x, h0), dh)
    flow = gradient_flow(params, x, h0)
    _assert_flags_are_consistent(flow)
    assert _all_finite(grads.dh_total, grads.dx, grads.dh0, *grads.arrays().values()) or flow.overflow_step is not None


@given(problems(gates=1, scales=st.just(EXTREME), max_steps=500), st.sampled_from(["rnn", "lstm"]))
def test_gradient_flow_never_raises_for_extreme_weights_over_long_sequences(problem, model):
    weights, x, h0, c0, _, _ = problem
    if model == "lstm":
        params = LSTMParams(**{n: np.tile(a, (4,) + (1,) * (a.ndim - 1)) for n, a in weights.items()})
        flow = gradient_flow(params, x, h0, c0)
    else:
        flow = gradient_flow(RNNParams(**weights), x, h0)
    assert flow.steps == len(x)
    _assert_flags_are_consistent(flow)


@given(problems(gates=4, scales=MODERATE_SCALES))
def test_lstm_kernels_agree_with_reference_on_any_shape(problem):
    weights, x, h0, c0, dh, dc_last = problem
    params = LSTMParams(**weights)
    trace = lstm_forward(params, x, h0, c0)
    grads = lstm_backward(params, x, trace, dh, dc_last)
    expected = ref.lstm_forward(weights, x, h0, c0)
    expected_grads = ref.lstm_backward(weights, x, expected, dh, dc_last)
    for name in ("preact", "c", "h"):
        assert_close(getattr(trace, name), expected[name], name=name)
    for name in ("dh_total", "dc_total", "dx", "dh0", "dc0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        assert_close(getattr(grads, name), expected_grads[name], name=name)


@given(problems(gates=1, scales=MODERATE_SCALES))
def test_rnn_kernels_agree_with_reference_on_any_shape(problem):
    weights, x, h0, _, dh, _ = problem
    params = RNNParams(**weights)
    trace = rnn_forward(params, x, h0)
    grads = rnn_backward(params, x, trace, dh)
    expected = ref.rnn_forward(weights, x, h0)
    expected_grads = ref.rnn_backward(weights, x, expected, dh)
    assert_close(trace.h, expected["h"], name="h")
    for name in ("dh_total", "da", "dx", "dh0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        assert_close(getattr(grads, name), expected_grads[name], name=name)


@given(problems(gates=4), st.integers(1, 3))
def test_lstm_batch_is_the_stack_of_single_sequences(problem, batch):
    weights, x, h0, c0, dh, dc_last = problem
    params = LSTMParams(**weights)
    rng = np.random.default_rng(batch)
    xs = np.stack([x] + [rng.normal(size=x.shape) for _ in range(batch - 1)])
    trace = lstm_forward_batch(params, xs, h0.copy(), c0.copy())
    grads = lstm_backward_batch(params, xs, trace, np.stack([dh] * batch), np.stack([dc_last] * batch))
    summed = {n: np.zeros_like(a) for n, a in weights.items()}
    for b in range(batch):
        single = lstm_forward(params, xs[b], h0, c0)
        single_grads = lstm_backward(params, xs[b], single, dh, dc_last)
        assert_close(trace.h[b], single.h, name="h")
        assert_close(trace.c[b], single.c, name="c")
        assert_close(grads.dx[b], single_grads.dx, name="dx")
        for name in summed:
            summed[name] += getattr(single_grads, name)
    for name, total in summed.items():
        assert_close(getattr(grads, name), total, name=name)
