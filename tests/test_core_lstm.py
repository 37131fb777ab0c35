"""The LSTM kernels against the plain-numpy reference, PyTorch, and closed-form cases."""

from __future__ import annotations

import numpy as np
import pytest
import reference_lstm as ref
import torch_reference
from numeric_checks import assert_close, random_weights

from lstm_viz.core import (
    LSTMGrads,
    LSTMParams,
    LSTMTrace,
    lstm_backward,
    lstm_backward_batch,
    lstm_forward,
    lstm_forward_batch,
)

SHAPES = [(1, 1, 1), (1, 3, 2), (5, 1, 1), (7, 3, 4), (12, 2, 3)]  # (T, D, H)
TRACE_FIELDS = ("preact", "i", "f", "g", "o", "c", "h", "tanh_c")
GRAD_FIELDS = (
    "dh_total",
    "dc_total",
    "dpreact",
    "dgates",
    "dx",
    "dh0",
    "dc0",
    "weight_ih",
    "weight_hh",
    "bias_ih",
    "bias_hh",
)
SATURATING_BIAS = 50.0  # σ(50) == 1.0 and σ(−50) ≈ 2e-22 in float64: a gate fully open or fully closed


def _problem(rng, steps, input_size, hidden, scale=1.5):
    params = LSTMParams(**random_weights(rng, input_size, hidden, 4, scale))
    return (
        params,
        rng.normal(size=(steps, input_size)),
        rng.normal(size=hidden) * 0.5,
        rng.normal(size=hidden),
        rng.normal(size=(steps, hidden)),
        rng.normal(size=hidden),
    )


def _zero_lstm(input_size, hidden, **biases):
    """All weights zero; ``biases`` sets whole gate slices of bias_ih, e.g. ``f=50.0``."""
    bias_ih = np.zeros(4 * hidden)
    for gate, value in biases.items():
        k = "ifgo".index(gate)
        bias_ih[k * hidden : (k + 1) * hidden] = value
    return LSTMParams(np.zeros((4 * hidden, input_size)), np.zeros((4 * hidden, hidden)), bias_ih, np.zeros(4 * hidden))


# ----------------------------------------------------------------------------- against the reference


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_forward_matches_reference(rng, steps, input_size, hidden):
    params, x, h0, c0, _, _ = _problem(rng, steps, input_size, hidden)
    trace = lstm_forward(params, x, h0, c0)
    expected = ref.lstm_forward(params.arrays(), x, h0, c0)
    for name in (*TRACE_FIELDS, "h0", "c0"):
        assert_close(getattr(trace, name), expected[name], name=name)


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
@pytest.mark.parametrize("with_dc_last", [False, True])
def test_backward_matches_reference(rng, steps, input_size, hidden, with_dc_last):
    params, x, h0, c0, dh, dc_last = _problem(rng, steps, input_size, hidden)
    dc_last = dc_last if with_dc_last else None
    grads = lstm_backward(params, x, lstm_forward(params, x, h0, c0), dh, dc_last)
    w = params.arrays()
    expected = ref.lstm_backward(w, x, ref.lstm_forward(w, x, h0, c0), dh, dc_last)
    for name in GRAD_FIELDS:
        assert_close(getattr(grads, name), expected[name], name=name)


def test_default_initial_state_is_zero(rng):
    params, x, _, _, dh, _ = _problem(rng, 4, 2, 3)
    trace = lstm_forward(params, x)
    explicit = lstm_forward(params, x, np.zeros(3), np.zeros(3))
    assert np.array_equal(trace.h0, np.zeros(3)) and np.array_equal(trace.c0, np.zeros(3))
    for name in TRACE_FIELDS:
        assert np.array_equal(getattr(trace, name), getattr(explicit, name)), name
    grads = lstm_backward(params, x, trace, dh)
    with_zero_dc = lstm_backward(params, x, trace, dh, np.zeros(3))
    for name in GRAD_FIELDS:
        assert np.array_equal(getattr(grads, name), getattr(with_zero_dc, name)), name


@pytest.mark.parametrize("shared_state", [False, True])
def test_batched_forward_and_backward_match_reference(rng, shared_state):
    batch, steps, input_size, hidden = 3, 6, 2, 4
    params = LSTMParams(**random_weights(rng, input_size, hidden, 4, 1.5))
    x = rng.normal(size=(batch, steps, input_size))
    h0 = rng.normal(size=hidden) if shared_state else rng.normal(size=(batch, hidden))
    c0 = rng.normal(size=hidden) if shared_state else rng.normal(size=(batch, hidden))
    dh, dc_last = rng.normal(size=(batch, steps, hidden)), rng.normal(size=(batch, hidden))

    trace = lstm_forward_batch(params, x, h0, c0)
    grads = lstm_backward_batch(params, x, trace, dh, dc_last)

    h0_rows, c0_rows = np.broadcast_to(h0, (batch, hidden)), np.broadcast_to(c0, (batch, hidden))
    w = params.arrays()
    expected = ref.lstm_forward_batch(w, x, h0_rows, c0_rows)
    expected_grads = ref.lstm_backward_batch(w, x, expected, dh, dc_last)
    assert trace.h.shape == (batch, steps, hidden) and trace.preact.shape == (batch, steps, 4 * hidden)
    for name in (*TRACE_FIELDS, "h0", "c0"):
        assert_close(getattr(trace, name), expected[name], name=name)
    for name in GRAD_FIELDS:
        assert_close(getattr(grads, name), expected_grads[name], name=name)


# (T, D, H) past the teaching shapes: every vector loop of the single-sequence kernels runs its full
# vector width and its remainder (4H = 132 is not a multiple of the 8-row passes), and D = 33 makes
# the weight gradients' one BLAS product [dW_ih, dW_hh] wider than it is deep (T = 3).
SINGLE_SEQUENCE_SHAPES = [(1, 1, 1), (3, 33, 9), (17, 5, 33), (40, 2, 16)]


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SINGLE_SEQUENCE_SHAPES)
def test_single_sequence_kernels_match_reference_past_teaching_sizes(rng, steps, input_size, hidden):
    params, x, h0, c0, dh, dc_last = _problem(rng, steps, input_size, hidden, scale=1.0)
    trace = lstm_forward(params, x, h0, c0)
    grads = lstm_backward(params, x, trace, dh, dc_last)
    w = params.arrays()
    expected = ref.lstm_forward(w, x, h0, c0)
    expected_grads = ref.lstm_backward(w, x, expected, dh, dc_last)
    for name in TRACE_FIELDS:
        assert_close(getattr(trace, name), expected[name], name=name)
    for name in GRAD_FIELDS:
        assert_close(getattr(grads, name), expected_grads[name], name=name)


def test_batch_of_one_equals_single_sequence(rng):
    params, x, h0, c0, dh, dc_last = _problem(rng, 5, 2, 3)
    single = lstm_forward(params, x, h0, c0)
    batched = lstm_forward_batch(params, x[None], h0[None], c0[None])
    for name in TRACE_FIELDS:
        assert_close(getattr(batched, name)[0], getattr(single, name), name=name)
    single_grads = lstm_backward(params, x, single, dh, dc_last)
    batched_grads = lstm_backward_batch(params, x[None], batched, dh[None], dc_last[None])
    for name in ("dh_total", "dc_total", "dx", "dh0", "dc0"):
        assert_close(getattr(batched_grads, name)[0], getattr(single_grads, name), name=name)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        assert_close(getattr(batched_grads, name), getattr(single_grads, name), name=name)


# ----------------------------------------------------------------------------- the trace itself


def test_trace_has_the_documented_shapes(rng):
    steps, input_size, hidden = 4, 3, 2
    params, x, h0, c0, dh, _ = _problem(rng, steps, input_size, hidden)
    trace = lstm_forward(params, x, h0, c0)
    assert isinstance(trace, LSTMTrace)
    assert trace.x.shape == (steps, input_size)
    assert trace.preact.shape == trace.gates.shape == (steps, 4 * hidden)
    for name in ("i", "f", "g", "o", "c", "h", "tanh_c", "c_prev", "h_prev", "kept", "written"):
        assert getattr(trace, name).shape == (steps, hidden), name
    assert trace.h0.shape == trace.c0.shape == (hidden,)
    grads = lstm_backward(params, x, trace, dh)
    assert isinstance(grads, LSTMGrads)
    assert grads.dpreact.shape == grads.dgates.shape == (steps, 4 * hidden)
    assert grads.dx.shape == (steps, input_size)
    for name, array in params.arrays().items():
        assert getattr(grads, name).shape == array.shape, name


def test_trace_derived_views_follow_the_cell_equation(rng):
    params, x, h0, c0, _, _ = _problem(rng, 6, 2, 3)
    trace = lstm_forward(params, x, h0, c0)
    assert np.array_equal(trace.c_prev, np.vstack([c0, trace.c[:-1]]))
    assert np.array_equal(trace.h_prev, np.vstack([h0, trace.h[:-1]]))
    assert np.array_equal(trace.kept, trace.f * trace.c_prev)
    assert np.array_equal(trace.written, trace.i * trace.g)
    assert np.array_equal(trace.gates, np.hstack([trace.i, trace.f, trace.g, trace.o]))
    assert_close(trace.c, trace.kept + trace.written, tol=1e-15, name="c = f⊙c_prev + i⊙g")


def test_h_is_bitwise_o_times_tanh_c_and_tanh_c_is_tanh_of_c(rng):
    params, x, h0, c0, _, _ = _problem(rng, 20, 3, 5, scale=3.0)
    trace = lstm_forward(params, x, h0, c0)
    assert np.array_equal(trace.h, trace.o * trace.tanh_c)
    np.testing.assert_allclose(trace.tanh_c, np.tanh(trace.c), rtol=0, atol=1e-15)


def test_one_dimensional_x_is_read_as_one_feature_per_step(rng):
    params, x, h0, c0, _, _ = _problem(rng, 5, 1, 2)
    flat = lstm_forward(params, x[:, 0], h0, c0)
    column = lstm_forward(params, x, h0, c0)
    assert flat.x.shape == (5, 1)
    assert np.array_equal(flat.h, column.h)


def test_float32_params_give_a_float32_trace_close_to_float64(rng):
    params, x, h0, c0, dh, dc_last = _problem(rng, 8, 2, 3)
    single = params.astype(np.float32)
    trace = lstm_forward(single, x, h0, c0)
    grads = lstm_backward(single, x, trace, dh, dc_last)
    for name in (*TRACE_FIELDS, "h0", "c0"):
        assert getattr(trace, name).dtype == np.float32, name
    for name in GRAD_FIELDS:
        assert getattr(grads, name).dtype == np.float32, name
    exact = lstm_forward(params, x, h0, c0)
    exact_grads = lstm_backward(params, x, exact, dh, dc_last)
    assert_close(trace.h, exact.h, tol=1e-5, name="h float32")
    assert_close(grads.weight_hh, exact_grads.weight_hh, tol=1e-4, name="dW_hh float32")


def test_inputs_are_not_modified(rng):
    params, x, h0, c0, dh, dc_last = _problem(rng, 5, 2, 3)
    copies = [a.copy() for a in (x, h0, c0, dh, dc_last)]
    weights = {n: a.copy() for n, a in params.arrays().items()}
    lstm_backward(params, x, lstm_forward(params, x, h0, c0), dh, dc_last)
    for before, after in zip(copies, (x, h0, c0, dh, dc_last), strict=True):
        assert np.array_equal(before, after)
    for name, array in params.arrays().items():
        assert np.array_equal(weights[name], array), name


@pytest.mark.parametrize("batched", [False, True])
def test_trace_is_a_snapshot_not_a_view_of_the_callers_arrays(rng, batched):
    """A trace is frozen so it can be cached; reusing the input buffers afterwards must not change it."""
    params, x, h0, c0, _, _ = _problem(rng, 5, 2, 3)
    if batched:
        x, h0, c0 = np.stack([x, x]), np.stack([h0, h0]), np.stack([c0, c0])
    run = lstm_forward_batch if batched else lstm_forward
    trace = run(params, x, h0, c0)
    recorded = {name: getattr(trace, name).copy() for name in ("x", "h0", "c0", "h_prev", "c_prev")}
    for array in (x, h0, c0):
        array[...] = 7.0
    for name, before in recorded.items():
        assert np.array_equal(getattr(trace, name), before), f"trace.{name} changed with the caller's array"


def test_batched_forward_leaves_the_callers_arrays_writable(rng):
    params = LSTMParams(**random_weights(rng, 2, 3, 4))
    x, h0, c0 = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    lstm_forward_batch(params, x, h0, c0)
    assert x.flags.writeable and h0.flags.writeable and c0.flags.writeable


# ----------------------------------------------------------------------------- closed forms


def test_zero_weights_open_every_gate_halfway_and_write_nothing():
    steps, hidden = 6, 3
    trace = lstm_forward(_zero_lstm(2, hidden), np.random.default_rng(0).normal(size=(steps, 2)))
    for gate in ("i", "f", "o"):
        assert np.array_equal(getattr(trace, gate), np.full((steps, hidden), 0.5)), gate
    assert np.array_equal(trace.g, np.zeros((steps, hidden)))
    assert np.array_equal(trace.c, np.zeros((steps, hidden)))
    assert np.array_equal(trace.h, np.zeros((steps, hidden)))


def test_zero_weights_halve_the_cell_every_step():
    steps = 10
    c0 = np.array([1.0, -3.0, 0.25])
    trace = lstm_forward(_zero_lstm(1, 3), np.ones((steps, 1)), c0=c0)
    halvings = 0.5 ** np.arange(1, steps + 1)[:, None]
    assert np.array_equal(trace.c, halvings * c0)  # powers of two: exact in floating point
    np.testing.assert_allclose(trace.h, 0.5 * np.tanh(halvings * c0), rtol=1e-15)


def test_latch_holds_the_cell_unchanged_for_1000_steps():
    """Forget gate open (+50) and input gate closed (−50): c_t = c_0 whatever the input says."""
    steps, input_size, hidden = 1000, 2, 3
    rng = np.random.default_rng(1)
    latch = LSTMParams(**random_weights(rng, input_size, hidden, 4))
    bias_ih = latch.bias_ih.copy()
    bias_ih[:hidden] += -SATURATING_BIAS
    bias_ih[hidden : 2 * hidden] += SATURATING_BIAS
    latch = latch.replace(bias_ih=bias_ih)
    c0 = np.array([0.7, -0.4, 2.5])
    trace = lstm_forward(latch, rng.normal(size=(steps, input_size)), c0=c0)
    assert np.all(trace.f == 1.0)
    assert np.all(trace.i < 1e-20)
    np.testing.assert_allclose(trace.c, np.broadcast_to(c0, (steps, hidden)), rtol=1e-15, atol=0)


def test_latch_passes_cell_gradient_back_unchanged_for_1000_steps():
    steps, hidden = 1000, 2
    latch = _zero_lstm(1, hidden, i=-SATURATING_BIAS, f=SATURATING_BIAS)
    x = np.zeros((steps, 1))
    dc_last = np.array([1.0, -2.0])
    grads = lstm_backward(latch, x, lstm_forward(latch, x, c0=np.ones(hidden)), np.zeros((steps, hidden)), dc_last)
    # h = 0.5 tanh(c) adds nothing here because dh is zero and the loss reads c_T only.
    assert np.array_equal(grads.dc0, dc_last)


# ----------------------------------------------------------------------------- PyTorch


@pytest.mark.parametrize(("steps", "input_size", "hidden"), [(1, 1, 1), (7, 3, 4)])
def test_forward_and_gradients_match_torch_nn_lstm(torch, rng, steps, input_size, hidden):
    params, x, h0, c0, dh, dc_last = _problem(rng, steps, input_size, hidden)
    trace = lstm_forward(params, x, h0, c0)
    grads = lstm_backward(params, x, trace, dh, dc_last)
    expected = torch_reference.autograd(torch, "lstm", params.arrays(), x, dh, h0, c0, dc_last)
    assert_close(trace.h, expected["h"], name="h")
    assert_close(trace.c[-1], expected["c_last"], name="c_T")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "dx", "dh0", "dc0"):
        assert_close(getattr(grads, name), expected[name], name=name)
    dh_total, dc_total = torch_reference.lstm_total_gradients(torch, params.arrays(), x, dh, h0, c0, dc_last)
    assert_close(grads.dh_total, dh_total, name="dh_total")
    assert_close(grads.dc_total, dc_total, name="dc_total")


def test_batched_gradients_match_torch_nn_lstm(torch, rng):
    batch, steps, input_size, hidden = 4, 5, 3, 2
    params = LSTMParams(**random_weights(rng, input_size, hidden, 4, 1.5))
    x = rng.normal(size=(batch, steps, input_size))
    h0, c0 = rng.normal(size=(batch, hidden)), rng.normal(size=(batch, hidden))
    dh, dc_last = rng.normal(size=(batch, steps, hidden)), rng.normal(size=(batch, hidden))
    trace = lstm_forward_batch(params, x, h0, c0)
    grads = lstm_backward_batch(params, x, trace, dh, dc_last)
    expected = torch_reference.autograd(torch, "lstm", params.arrays(), x, dh, h0, c0, dc_last)
    assert_close(trace.h, expected["h"], name="h")
    assert_close(trace.c[:, -1], expected["c_last"], name="c_T")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "dx", "dh0", "dc0"):
        assert_close(getattr(grads, name), expected[name], name=name)
