"""The yardstick checked first: the plain-numpy reference against PyTorch and finite differences.

These tests do not touch ``lstm_viz``; if they fail, every kernel comparison is meaningless.
"""

from __future__ import annotations

import numpy as np
import pytest
import reference_lstm as ref
import torch_reference
from numeric_checks import FD_TOL, assert_close, numerical_gradient, random_weights, relative_error

SHAPES = [(1, 1, 1), (4, 3, 2), (6, 2, 5)]  # (T, D, H)


def _problem(rng, kind, steps, input_size, hidden):
    w = random_weights(rng, input_size, hidden, 4 if kind == "lstm" else 1, scale=1.5)
    return (
        w,
        rng.normal(size=(steps, input_size)),
        rng.normal(size=(steps, hidden)),
        rng.normal(size=hidden) * 0.5,
        rng.normal(size=hidden),
        rng.normal(size=hidden),
    )


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_reference_lstm_matches_torch(torch, rng, steps, input_size, hidden):
    w, x, dh, h0, c0, dc_last = _problem(rng, "lstm", steps, input_size, hidden)
    fwd = ref.lstm_forward(w, x, h0, c0)
    grads = ref.lstm_backward(w, x, fwd, dh, dc_last)
    expected = torch_reference.autograd(torch, "lstm", w, x, dh, h0, c0, dc_last)
    assert_close(fwd["h"], expected["h"], name="h")
    assert_close(fwd["c"][-1], expected["c_last"], name="c_T")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "dx", "dh0", "dc0"):
        assert_close(grads[name], expected[name], name=name)
    dh_total, dc_total = torch_reference.lstm_total_gradients(torch, w, x, dh, h0, c0, dc_last)
    assert_close(grads["dh_total"], dh_total, name="dh_total")
    assert_close(grads["dc_total"], dc_total, name="dc_total")


@pytest.mark.parametrize(("steps", "input_size", "hidden"), SHAPES)
def test_reference_rnn_matches_torch(torch, rng, steps, input_size, hidden):
    w, x, dh, h0, _, _ = _problem(rng, "rnn", steps, input_size, hidden)
    fwd = ref.rnn_forward(w, x, h0)
    grads = ref.rnn_backward(w, x, fwd, dh)
    expected = torch_reference.autograd(torch, "rnn", w, x, dh, h0)
    assert_close(fwd["h"], expected["h"], name="h")
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "dx", "dh0"):
        assert_close(grads[name], expected[name], name=name)


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_reference_jacobian_norm_matches_torch_jacobian(torch, rng, kind):
    steps, hidden = 6, 3
    w, x, _, h0, c0, _ = _problem(rng, kind, steps, 2, hidden)
    flow = ref.gradient_flow(kind, w, x, h0, c0 if kind == "lstm" else None)
    fwd = ref.lstm_forward(w, x, h0, c0) if kind == "lstm" else ref.rnn_forward(w, x, h0)
    tw = {n: torch.tensor(v) for n, v in w.items()}

    def h_last_from(t):
        """h_T as a function of h_t, the cell c_t held at its recorded value."""

        def run(h):
            c = torch.tensor(fwd["c"][t]) if kind == "lstm" else None
            for s in range(t + 1, steps):
                z = tw["weight_ih"] @ torch.tensor(x[s]) + tw["bias_ih"] + tw["weight_hh"] @ h + tw["bias_hh"]
                if kind == "rnn":
                    h = torch.tanh(z)
                    continue
                z_i, z_f, z_g, z_o = z.split(hidden)
                c = torch.sigmoid(z_f) * c + torch.sigmoid(z_i) * torch.tanh(z_g)
                h = torch.sigmoid(z_o) * torch.tanh(c)
            return h

        return run

    for t in range(steps):
        jac = torch.autograd.functional.jacobian(h_last_from(t), torch.tensor(fwd["h"][t])).numpy()
        assert flow["jacobian_norm"][t] == pytest.approx(np.linalg.norm(jac, 2), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("steps", "input_size", "hidden"), [(1, 1, 1), (3, 2, 2)])
def test_reference_lstm_backward_matches_finite_differences(rng, steps, input_size, hidden):
    w, x, dh, h0, c0, dc_last = _problem(rng, "lstm", steps, input_size, hidden)

    def loss():
        fwd = ref.lstm_forward(w, x, h0, c0)
        return np.sum(dh * fwd["h"]) + dc_last @ fwd["c"][-1]

    grads = ref.lstm_backward(w, x, ref.lstm_forward(w, x, h0, c0), dh, dc_last)
    targets = {n: (w[n], grads[n]) for n in w}
    targets.update(x=(x, grads["dx"]), h0=(h0, grads["dh0"]), c0=(c0, grads["dc0"]))
    for name, (array, analytic) in targets.items():
        assert relative_error(analytic, numerical_gradient(loss, array)) < FD_TOL, name
