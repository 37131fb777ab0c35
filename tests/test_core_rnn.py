"""The vanilla-RNN kernels against the plain-numpy reference, PyTorch, and closed-form cases."""

from __future__ import annotations

import numpy as np
import pytest
import reference_lstm as ref
import torch_reference
from numeric_checks import assert_close, random_weights

from lstm_viz.core import (
    RNNGrads,
    RNNParams,
    RNNTrace,
    rnn_backward,
    rnn_backward_batch,
    rnn_forward,
    rnn_forward_batch,
)

SHAPES = [(1, 1, 1), (1, 3, 2), (5, 1, 1), (7, 3, 4), (12, 2, 3)]  # (T, D, H)
GRAD_FIELDS = ("dh_total", "da", "dx", "dh0", "weight_ih", "weight_hh", "bias_ih", "bias_hh")


def _problem(rng, steps, input_size, hidden, scale=1.5):
    params = RNNParams(**random_weights(rng, input_size, hidden, 1, scale))
    return params, rng.normal(size=(steps, input_size)), rng.normal(size=hidden) * 0.5, rng.normal(size=(steps, hidden))


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_forward_matches_reference(rng, steps, input_size, hidden):
    params, x, h0, _ = _problem(rng, steps, input_size, hidden)
    trace = rnn_forward(params, x, h0)
    expected = ref.rnn_forward(params.arrays(), x, h0)
    for name in ("a", "h", "h0"):
        assert_close(getattr(trace, name), expected[name], name=name)


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_backward_matches_reference(rng, steps, input_size, hidden):
    params, x, h0, dh = _problem(rng, steps, input_size, hidden)
    grads = rnn_backward(params, x, rnn_forward(params, x, h0), dh)
    w = params.arrays()
    expected = ref.rnn_backward(w, x, ref.rnn_forward(w, x, h0), dh)
    for name in GRAD_FIELDS:
        assert_close(getattr(grads, name), expected[name], name=name)


@pytest.mark.parametrize("shared_state", [False, True])
def test_batched_forward_and_backward_match_reference(rng, shared_state):
    batch, steps, input_size, hidden = 3, 6, 2, 4
    params = RNNParams(**random_weights(rng, input_size, hidden, 1, 1.5))
    x = rng.normal(size=(batch, steps, input_size))
    h0 = rng.normal(size=hidden) if shared_state else rng.normal(size=(batch, hidden))
    dh = rng.normal(size=(batch, steps, hidden))

    trace = rnn_forward_batch(params, x, h0)
    grads = rnn_backward_batch(params, x, trace, dh)

    w = params.arrays()
    expected = ref.rnn_forward_batch(w, x, np.broadcast_to(h0, (batch, hidden)))
    expected_grads = ref.rnn_backward_batch(w, x, expected, dh)
    assert trace.h.shape == (batch, steps, hidden)
    for name in ("a", "h", "h0"):
        assert_close(getattr(trace, name), expected[name], name=name)
    for name in GRAD_FIELDS:
        assert_close(getattr(grads, name), expected_grads[name], name=name)


def test_trace_has_the_documented_shapes(rng):
    steps, input_size, hidden = 4, 3, 2
    params, x, h0, dh = _problem(rng, steps, input_size, hidden)
    trace = rnn_forward(params, x, h0)
    assert isinstance(trace, RNNTrace)
    assert trace.x.shape == (steps, input_size)
    assert trace.a.shape == trace.h.shape == trace.h_prev.shape == (steps, hidden)
    assert np.array_equal(trace.h_prev, np.vstack([h0, trace.h[:-1]]))
    grads = rnn_backward(params, x, trace, dh)
    assert isinstance(grads, RNNGrads)
    assert grads.dx.shape == (steps, input_size) and grads.dh0.shape == (hidden,)
    for name, array in params.arrays().items():
        assert getattr(grads, name).shape == array.shape, name


def test_h_is_tanh_of_the_preactivation(rng):
    params, x, h0, _ = _problem(rng, 20, 2, 5, scale=3.0)
    trace = rnn_forward(params, x, h0)
    np.testing.assert_allclose(trace.h, np.tanh(trace.a), rtol=0, atol=1e-15)


def test_float32_params_give_a_float32_trace(rng):
    params, x, h0, dh = _problem(rng, 6, 2, 3)
    single = params.astype(np.float32)
    trace = rnn_forward(single, x, h0)
    grads = rnn_backward(single, x, trace, dh)
    assert trace.h.dtype == trace.a.dtype == np.float32
    for name in GRAD_FIELDS:
        assert getattr(grads, name).dtype == np.float32, name
    assert_close(trace.h, rnn_forward(params, x, h0).h, tol=1e-5, name="h float32")


@pytest.mark.parametrize("batched", [False, True])
def test_trace_is_a_snapshot_not_a_view_of_the_callers_arrays(rng, batched):
    params, x, h0, _ = _problem(rng, 5, 2, 3)
    if batched:
        x, h0 = np.stack([x, x]), np.stack([h0, h0])
    trace = (rnn_forward_batch if batched else rnn_forward)(params, x, h0)
    recorded = {name: getattr(trace, name).copy() for name in ("x", "h0", "h_prev")}
    x[...], h0[...] = 7.0, 7.0
    for name, before in recorded.items():
        assert np.array_equal(getattr(trace, name), before), f"trace.{name} changed with the caller's array"
    assert x.flags.writeable and h0.flags.writeable


def test_rnn_gradient_with_zero_recurrent_weights_stops_at_the_last_step(rng):
    """W_hh = 0: h_t does not feed h_{t+1}, so a last-step loss has ∂L/∂h_t = 0 for every t < T−1."""
    steps, hidden = 8, 3
    params, x, h0, _ = _problem(rng, steps, 2, hidden)
    params = params.replace(weight_hh=np.zeros((hidden, hidden)))
    dh = np.zeros((steps, hidden))
    dh[-1] = rng.normal(size=hidden)
    grads = rnn_backward(params, x, rnn_forward(params, x, h0), dh)
    assert np.array_equal(grads.dh_total[:-1], np.zeros((steps - 1, hidden)))
    assert np.array_equal(grads.dh0, np.zeros(hidden))
    assert np.array_equal(grads.dh_total[-1], dh[-1])
    assert np.array_equal(grads.dx[:-1], np.zeros((steps - 1, 2)))


@pytest.mark.parametrize(("steps", "input_size", "hidden"), [(1, 1, 1), (7, 3, 4)])
def test_forward_and_gradients_match_torch_nn_rnn(torch, rng, steps, input_size, hidden):
    params, x, h0, dh = _problem(rng, steps, input_size, hidden)
    trace = rnn_forward(params, x, h0)
    grads = rnn_backward(params, x, trace, dh)
    expected = torch_reference.autograd(torch, "rnn", params.arrays(), x, dh, h0)
    assert_close(trace.h, expected["h"], name="h")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "dx", "dh0"):
        assert_close(getattr(grads, name), expected[name], name=name)


def test_batched_gradients_match_torch_nn_rnn(torch, rng):
    batch, steps, input_size, hidden = 4, 5, 3, 2
    params = RNNParams(**random_weights(rng, input_size, hidden, 1, 1.5))
    x, h0 = rng.normal(size=(batch, steps, input_size)), rng.normal(size=(batch, hidden))
    dh = rng.normal(size=(batch, steps, hidden))
    trace = rnn_forward_batch(params, x, h0)
    grads = rnn_backward_batch(params, x, trace, dh)
    expected = torch_reference.autograd(torch, "rnn", params.arrays(), x, dh, h0)
    assert_close(trace.h, expected["h"], name="h")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "dx", "dh0"):
        assert_close(getattr(grads, name), expected[name], name=name)
