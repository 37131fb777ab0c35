"""Every gradient the kernels return agrees with finite differences of their own forward pass.

Loss: L = Σ_t dh[t] · h_t + dc_last · c_T with random dh and dc_last, so every per-step term
and the cell path at the end are exercised. Float64 throughout; relative error < FD_TOL.
"""

from __future__ import annotations

import numpy as np
import pytest
from numeric_checks import FD_TOL, numerical_gradient, random_weights, relative_error

from lstm_viz.core import (
    LSTMParams,
    RNNParams,
    lstm_backward,
    lstm_backward_batch,
    lstm_forward,
    lstm_forward_batch,
    rnn_backward,
    rnn_backward_batch,
    rnn_forward,
    rnn_forward_batch,
)

# (T, D, H): the degenerate sizes first, then a few random ones drawn once with a fixed seed.
_draw = np.random.default_rng(2)
SHAPES = [(1, 1, 1), (1, 3, 2), (6, 1, 1), (3, 2, 4)] + [
    tuple(int(v) for v in _draw.integers(1, [8, 4, 5], endpoint=True)) for _ in range(3)
]
LSTM_TARGETS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0", "c0")
RNN_TARGETS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0")
WEIGHT_SCALE = 1.5  # U(−1.5, 1.5)/√H: well inside the nonlinear range of σ and tanh


def _inputs(seed, steps, input_size, hidden, gates):
    rng = np.random.default_rng(seed)
    values = random_weights(rng, input_size, hidden, gates, WEIGHT_SCALE)
    values.update(
        x=rng.normal(size=(steps, input_size)),
        h0=rng.normal(size=hidden) * 0.5,
        c0=rng.normal(size=hidden),
        dh=rng.normal(size=(steps, hidden)),
        dc_last=rng.normal(size=hidden),
    )
    return values


def _lstm_loss(v):
    params = LSTMParams(v["weight_ih"], v["weight_hh"], v["bias_ih"], v["bias_hh"])
    trace = lstm_forward(params, v["x"], v["h0"], v["c0"])
    return float(np.sum(v["dh"] * trace.h) + v["dc_last"] @ trace.c[-1])


def _rnn_loss(v):
    params = RNNParams(v["weight_ih"], v["weight_hh"], v["bias_ih"], v["bias_hh"])
    return float(np.sum(v["dh"] * rnn_forward(params, v["x"], v["h0"]).h))


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_lstm_gradients_match_finite_differences(steps, input_size, hidden):
    v = _inputs(steps * 100 + hidden, steps, input_size, hidden, gates=4)
    params = LSTMParams(v["weight_ih"], v["weight_hh"], v["bias_ih"], v["bias_hh"])
    grads = lstm_backward(params, v["x"], lstm_forward(params, v["x"], v["h0"], v["c0"]), v["dh"], v["dc_last"])
    analytic = {**grads.arrays(), "x": grads.dx, "h0": grads.dh0, "c0": grads.dc0}
    errors = {
        name: relative_error(analytic[name], numerical_gradient(lambda: _lstm_loss(v), v[name]))
        for name in LSTM_TARGETS
    }
    assert max(errors.values()) < FD_TOL, errors


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_rnn_gradients_match_finite_differences(steps, input_size, hidden):
    v = _inputs(steps * 100 + hidden, steps, input_size, hidden, gates=1)
    params = RNNParams(v["weight_ih"], v["weight_hh"], v["bias_ih"], v["bias_hh"])
    grads = rnn_backward(params, v["x"], rnn_forward(params, v["x"], v["h0"]), v["dh"])
    analytic = {**grads.arrays(), "x": grads.dx, "h0": grads.dh0}
    errors = {
        name: relative_error(analytic[name], numerical_gradient(lambda: _rnn_loss(v), v[name])) for name in RNN_TARGETS
    }
    assert max(errors.values()) < FD_TOL, errors


def test_lstm_batch_weight_gradients_are_the_gradient_of_the_summed_loss():
    batch, steps, input_size, hidden = 3, 4, 2, 2
    rng = np.random.default_rng(11)
    w = random_weights(rng, input_size, hidden, 4, WEIGHT_SCALE)
    x, h0, c0 = (
        rng.normal(size=(batch, steps, input_size)),
        rng.normal(size=(batch, hidden)),
        rng.normal(size=(batch, hidden)),
    )
    dh, dc_last = rng.normal(size=(batch, steps, hidden)), rng.normal(size=(batch, hidden))

    def loss():
        trace = lstm_forward_batch(LSTMParams(**w), x.copy(), h0.copy(), c0.copy())
        return float(np.sum(dh * trace.h) + np.sum(dc_last * trace.c[:, -1]))

    params = LSTMParams(**w)
    # Copies: the forward pass must not be able to freeze the arrays we perturb (see test_core_lstm).
    trace = lstm_forward_batch(params, x.copy(), h0.copy(), c0.copy())
    grads = lstm_backward_batch(params, x, trace, dh, dc_last)
    analytic = {**grads.arrays(), "x": grads.dx, "h0": grads.dh0, "c0": grads.dc0}
    arrays = {**w, "x": x, "h0": h0, "c0": c0}
    errors = {name: relative_error(analytic[name], numerical_gradient(loss, arrays[name])) for name in LSTM_TARGETS}
    assert max(errors.values()) < FD_TOL, errors


def test_rnn_batch_weight_gradients_are_the_gradient_of_the_summed_loss():
    batch, steps, input_size, hidden = 3, 4, 2, 2
    rng = np.random.default_rng(12)
    w = random_weights(rng, input_size, hidden, 1, WEIGHT_SCALE)
    x, h0 = rng.normal(size=(batch, steps, input_size)), rng.normal(size=(batch, hidden))
    dh = rng.normal(size=(batch, steps, hidden))

    def loss():
        return float(np.sum(dh * rnn_forward_batch(RNNParams(**w), x.copy(), h0.copy()).h))

    params = RNNParams(**w)
    grads = rnn_backward_batch(params, x, rnn_forward_batch(params, x.copy(), h0.copy()), dh)
    analytic = {**grads.arrays(), "x": grads.dx, "h0": grads.dh0}
    arrays = {**w, "x": x, "h0": h0}
    errors = {name: relative_error(analytic[name], numerical_gradient(loss, arrays[name])) for name in RNN_TARGETS}
    assert max(errors.values()) < FD_TOL, errors
